"""The demo's campaign and dinner programme pictures, drawn with Pillow (the demo has no
outside network to fetch photos from). Flat illustrations in the front page hero's palette;
drawn at twice the size and scaled down, so edges are smooth, with a faint paper grain.

    .venv/bin/python docs/demo_images.py     # writes ideas/demo_images/ and dinners/demo_images/

The files are committed; seed_demo sends them through the same upload checks as staff's
pictures (ui.images). Deterministic: the same script draws the same pictures (seeded
random.Random, for a drawing, not a secret: the S311/B311 marks).
"""
from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
W, H = 1600, 900
S = 2  # drawn at twice the size
CW, CH = W * S, H * S


def rgb(value: str | tuple) -> tuple[int, int, int]:
    if isinstance(value, tuple):
        return value
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def mix(a: str | tuple, b: str | tuple, t: float) -> tuple[int, int, int]:
    a = rgb(a) if isinstance(a, str) else a
    b = rgb(b) if isinstance(b, str) else b
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def gradient(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    for y in range(256):
        column.putpixel((0, y), mix(top, bottom, y / 255))
    return column.resize(size, Image.BICUBIC)


def ridge(rng: random.Random, base: float, amplitude: float, waves: int = 3, step: int = 16) -> list[tuple]:
    """The outline of a hill line across the picture, closed along the bottom edge."""
    phases = [(rng.uniform(0.6, 2.2) * (k + 1), rng.uniform(0, math.tau), amplitude / (k + 1.3))
              for k in range(waves)]
    points = [(0, CH)]
    for x in range(0, CW + step, step):
        y = base + sum(a * math.sin(f * x / CW * math.pi + p) for f, p, a in phases)
        points.append((x, y))
    points.append((CW, CH))
    return points


def y_at(points: list[tuple], x: float) -> float:
    for (x0, y0), (x1, y1) in zip(points[1:-2], points[2:-1], strict=False):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / max(x1 - x0, 1)
    return points[-2][1]


def glow(image: Image.Image, centre: tuple, radius: float, colour: str, strength: int = 150) -> None:
    layer = Image.new("L", image.size, 0)
    ImageDraw.Draw(layer).ellipse([centre[0] - radius * 2.2, centre[1] - radius * 2.2,
                                   centre[0] + radius * 2.2, centre[1] + radius * 2.2], fill=strength)
    layer = layer.filter(ImageFilter.GaussianBlur(radius * 1.1))
    image.paste(Image.new("RGB", image.size, rgb(colour)), mask=layer)
    ImageDraw.Draw(image).ellipse([centre[0] - radius, centre[1] - radius, centre[0] + radius,
                                   centre[1] + radius], fill=rgb(colour))


def shadow(image: Image.Image, shapes, blur: float = 18, strength: int = 70, offset=(0, 0)) -> None:
    """A soft shadow under `shapes` (a function drawing on a mask)."""
    layer = Image.new("L", image.size, 0)
    shapes(ImageDraw.Draw(layer), offset)
    layer = layer.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: v * strength // 255)
    image.paste(Image.new("RGB", image.size, (20, 24, 18)), mask=layer)


def finish(image: Image.Image, path: Path, seed: int) -> None:
    small = image.resize((W, H), Image.LANCZOS)
    noise = Image.frombytes("L", (W, H), random.Random(seed).randbytes(W * H)).convert("RGB")  # noqa: S311  # nosec B311
    small = Image.blend(small, Image.blend(small, noise, 0.5), 0.06)
    path.parent.mkdir(parents=True, exist_ok=True)
    small.save(path, "WEBP", quality=82, method=6)
    print(path.relative_to(ROOT), path.stat().st_size // 1024, "KB")


def tree_round(draw, x, ground, size, leaf="#5f9440", dark="#4a7a31", trunk="#6b4f35"):
    draw.rectangle([x - size * 0.07, ground - size * 0.9, x + size * 0.07, ground], fill=rgb(trunk))
    for dx, dy, r, c in ((-0.28, -1.05, 0.42, dark), (0.26, -1.1, 0.4, dark), (0, -1.38, 0.5, leaf),
                         (-0.18, -1.0, 0.36, leaf)):
        draw.ellipse([x + dx * size - r * size, ground + dy * size - r * size,
                      x + dx * size + r * size, ground + dy * size + r * size], fill=rgb(c))


def tree_spruce(draw, x, ground, size, colour="#2f5d3a"):
    draw.rectangle([x - size * 0.05, ground - size * 0.25, x + size * 0.05, ground], fill=rgb("#5a4632"))
    for k in range(3):
        top = ground - size * (1.25 - k * 0.28)
        half = size * (0.22 + k * 0.08)
        bottom = ground - size * (0.55 - k * 0.18)
        draw.polygon([(x, top), (x - half, bottom), (x + half, bottom)], fill=rgb(colour))


def house(draw, x, ground, w, h, wall, roof, window="#2c3a44", door="#6b3f2a", roof_h=None, chimney=False):
    roof_h = roof_h or w * 0.42
    draw.rectangle([x, ground - h, x + w, ground], fill=rgb(wall))
    draw.polygon([(x - w * 0.06, ground - h), (x + w / 2, ground - h - roof_h), (x + w * 1.06, ground - h)],
                 fill=rgb(roof))
    if chimney:
        draw.rectangle([x + w * 0.68, ground - h - roof_h * 0.8, x + w * 0.78, ground - h - roof_h * 0.35],
                       fill=rgb(mix(roof, "#000000", 0.25)))
    ww = w * 0.16
    for wx in (x + w * 0.16, x + w * 0.68):
        draw.rectangle([wx, ground - h * 0.72, wx + ww, ground - h * 0.72 + ww * 1.2], fill=rgb(window))
    draw.rectangle([x + w * 0.43, ground - h * 0.5, x + w * 0.57, ground], fill=rgb(door))


# --- The pictures -------------------------------------------------------------------------
def village(path: Path) -> None:
    """A Danish village in the morning: fields, a white church with a stepped-gable tower,
    houses, a road with a small bus."""
    rng = random.Random(7)  # noqa: S311  # nosec B311
    image = gradient((CW, CH), "#f6e7c8", "#cfe3ea")
    draw = ImageDraw.Draw(image)
    glow(image, (CW * 0.78, CH * 0.24), 120, "#fbd77a", 120)
    draw = ImageDraw.Draw(image)
    for k, (colour, base, amp) in enumerate((("#b7cfc6", 0.50, 50), ("#9fc08f", 0.56, 60))):
        draw.polygon(ridge(rng, CH * base, amp + k * 10), fill=rgb(colour))
    # fields in strips
    field_line = ridge(rng, CH * 0.64, 40)
    draw.polygon(field_line, fill=rgb("#c9d98a"))
    for k, colour in enumerate(("#a9c76f", "#e3cf86", "#8fb85e", "#d7c37a")):
        line = ridge(random.Random(20 + k), CH * (0.70 + k * 0.07), 30 + k * 6)  # noqa: S311  # nosec B311
        draw.polygon(line, fill=rgb(colour))
        # crop rows
        for x in range(0, CW, 46):
            y = y_at(line, x)
            draw.line([(x, y + 14), (x + 20, y + 60)], fill=rgb(mix(colour, "#5b7a33", 0.18)), width=6)
    ground = y_at(field_line, CW * 0.38) + 8
    # church: nave, tower with stepped gables, red roof
    cx = CW * 0.30
    draw.rectangle([cx, ground - 210, cx + 420, ground], fill=rgb("#fbfaf4"))
    draw.polygon([(cx - 14, ground - 210), (cx + 30, ground - 330), (cx + 390, ground - 330),
                  (cx + 434, ground - 210)], fill=rgb("#b8503a"))
    tx = cx - 170
    draw.rectangle([tx, ground - 420, tx + 190, ground], fill=rgb("#ffffff"))
    steps = 5
    for s in range(steps):
        half = 95 - s * 19
        draw.rectangle([tx + 95 - half, ground - 420 - (s + 1) * 34, tx + 95 + half, ground - 420 - s * 34],
                       fill=rgb("#ffffff"))
    for k in range(3):  # arched windows
        wx = cx + 80 + k * 110
        draw.rounded_rectangle([wx, ground - 160, wx + 40, ground - 80], radius=20, fill=rgb("#3d4b55"))
    draw.rounded_rectangle([tx + 70, ground - 130, tx + 120, ground], radius=25, fill=rgb("#6b3f2a"))
    draw.ellipse([tx + 75, ground - 330, tx + 115, ground - 290], fill=rgb("#3d4b55"))
    # houses
    for x, w, h, wall, roof in ((CW * 0.47, 240, 150, "#f1c75b", "#8e3b2e"), (CW * 0.56, 200, 140, "#e9e2d0", "#394b57"),
                                (CW * 0.64, 260, 160, "#c85a3c", "#3c3c3c")):
        g = y_at(field_line, x + w / 2) + 10
        house(draw, x, g, w, h, wall, roof, chimney=True)
    for x, s in ((CW * 0.07, 200), (CW * 0.15, 240), (CW * 0.54, 150), (CW * 0.74, 230), (CW * 0.83, 190),
                 (CW * 0.91, 260)):
        tree_round(draw, x, y_at(field_line, x) + 12, s)
    # a road with a small bus
    road = [(CW * 0.0, CH * 0.97), (CW * 0.35, CH * 0.86), (CW * 0.62, CH * 0.80), (CW * 1.0, CH * 0.76)]
    draw.line(road, fill=rgb("#8d8a80"), width=90, joint="curve")
    draw.line(road, fill=rgb("#f3eddc"), width=6, joint="curve")
    bx, by = CW * 0.50, CH * 0.795
    draw.rounded_rectangle([bx, by - 120, bx + 300, by], radius=26, fill=rgb("#2f6fa3"))
    draw.rectangle([bx + 24, by - 100, bx + 276, by - 58], fill=rgb("#d6e9f4"))
    for k in range(4):
        draw.line([(bx + 24 + k * 63, by - 100), (bx + 24 + k * 63, by - 58)], fill=rgb("#2f6fa3"), width=6)
    for wx in (bx + 70, bx + 235):
        draw.ellipse([wx - 28, by - 28, wx + 28, by + 28], fill=rgb("#23272b"))
        draw.ellipse([wx - 11, by - 11, wx + 11, by + 11], fill=rgb("#9aa4ad"))
    # birds
    for x, y in ((CW * 0.58, CH * 0.17), (CW * 0.62, CH * 0.14), (CW * 0.65, CH * 0.19)):
        draw.arc([x - 26, y - 12, x, y + 12], 200, 340, fill=rgb("#4d5a62"), width=6)
        draw.arc([x, y - 12, x + 26, y + 12], 200, 340, fill=rgb("#4d5a62"), width=6)
    finish(image, path, 7)


def harbour_city(path: Path) -> None:
    """Aarhus seen from the bay at dusk: the harbour front's white jagged blocks, the old
    town with the cathedral's spire, boats on calm water."""
    rng = random.Random(11)  # noqa: S311  # nosec B311
    image = gradient((CW, CH), "#f3c9a8", "#d9dde8")
    glow(image, (CW * 0.22, CH * 0.46), 110, "#fbe2a6", 140)
    draw = ImageDraw.Draw(image)
    horizon = CH * 0.62
    draw.polygon(ridge(rng, CH * 0.53, 22), fill=rgb("#b9bfd0"))
    # old town skyline with the cathedral
    x = CW * 0.02
    while x < CW * 0.55:
        w = rng.randint(110, 190)
        h = rng.randint(90, 210)
        colour = rng.choice(["#c98e73", "#d9b48c", "#b97964", "#e2c9a6", "#a8a3a9"])
        draw.rectangle([x, horizon - h, x + w, horizon], fill=rgb(colour))
        draw.polygon([(x - 6, horizon - h), (x + w / 2, horizon - h - 60), (x + w + 6, horizon - h)],
                     fill=rgb(mix(colour, "#5a3a34", 0.35)))
        x += w + rng.randint(-10, 12)
    sx = CW * 0.30
    draw.rectangle([sx, horizon - 420, sx + 70, horizon], fill=rgb("#d6c5a9"))
    draw.polygon([(sx - 6, horizon - 420), (sx + 35, horizon - 640), (sx + 76, horizon - 420)], fill=rgb("#5f8c7a"))
    # harbour front: white jagged blocks
    hx = CW * 0.55
    for k, (w, top, slope) in enumerate(((260, 430, 130), (220, 520, -110), (280, 470, 150), (230, 560, -90),
                                         (250, 400, 120))):
        x0 = hx + k * 190
        pts = [(x0, horizon), (x0, horizon - top), (x0 + w * 0.55, horizon - top - slope * 0.4),
               (x0 + w, horizon - top + slope * 0.3), (x0 + w, horizon)]
        draw.polygon(pts, fill=rgb("#f4f3f0" if k % 2 == 0 else "#e4e6ea"))
        for row in range(6):
            for col in range(3):
                wy = horizon - top + 80 + row * 56
                if wy > horizon - 40:
                    continue
                draw.rectangle([x0 + 40 + col * 70, wy, x0 + 70 + col * 70, wy + 26], fill=rgb("#8fb2c8"))
        draw.line(pts[1:4], fill=rgb("#c9ced6"), width=8)
    # quay and water
    draw.rectangle([0, horizon, CW, horizon + 30], fill=rgb("#7b8089"))
    water = gradient((CW, CH - int(horizon) - 30), "#8fb1c4", "#4f7f99")
    image.paste(water, (0, int(horizon) + 30))
    draw = ImageDraw.Draw(image)
    for k in range(60):  # light on the water
        y = horizon + 60 + k * 14
        w = rng.randint(60, 260)
        x = CW * 0.22 + rng.uniform(-220, 220) * (1 + k / 40)
        draw.line([(x - w / 2, y), (x + w / 2, y)], fill=rgb(mix("#fbe2a6", "#8fb1c4", min(k / 50, 0.9))), width=5)
    for _k in range(40):
        y = rng.uniform(horizon + 60, CH)
        x = rng.uniform(0, CW)
        draw.line([(x, y), (x + rng.randint(40, 140), y)], fill=rgb("#a9c4d3"), width=4)
    # boats
    for bx, by, s, sail in ((CW * 0.42, CH * 0.80, 1.0, "#fbfaf4"), (CW * 0.72, CH * 0.88, 0.75, "#f2d2b4")):
        draw.polygon([(bx - 150 * s, by), (bx + 170 * s, by), (bx + 120 * s, by + 46 * s), (bx - 110 * s, by + 46 * s)],
                     fill=rgb("#2e3a46"))
        draw.line([(bx, by), (bx, by - 330 * s)], fill=rgb("#2e3a46"), width=int(8 * s))
        draw.polygon([(bx + 10 * s, by - 320 * s), (bx + 10 * s, by - 20 * s), (bx + 180 * s, by - 20 * s)],
                     fill=rgb(sail))
        draw.polygon([(bx - 10 * s, by - 260 * s), (bx - 10 * s, by - 30 * s), (bx - 120 * s, by - 30 * s)],
                     fill=rgb(mix(sail, "#c9b9a6", 0.4)))
    finish(image, path, 11)


def bryggen(path: Path) -> None:
    """Bergen: a row of gabled wooden houses along the quay, the mountain behind."""
    rng = random.Random(5)  # noqa: S311  # nosec B311
    image = gradient((CW, CH), "#dfe8ee", "#f3efe6")
    draw = ImageDraw.Draw(image)
    draw.polygon(ridge(rng, CH * 0.30, 110, waves=3), fill=rgb("#9db6a6"))
    mountain = ridge(random.Random(9), CH * 0.40, 90, waves=2)  # noqa: S311  # nosec B311
    draw.polygon(mountain, fill=rgb("#6f9a73"))
    for _k in range(70):  # houses dotted on the slope
        x = rng.uniform(0, CW)
        y = y_at(mountain, x) + rng.uniform(40, 320)
        if y > CH * 0.55:
            continue
        colour = rng.choice(["#f4f1ea", "#e9d7b5", "#d98b6e", "#f4f1ea"])
        draw.rectangle([x, y, x + 34, y + 24], fill=rgb(colour))
        draw.polygon([(x - 4, y), (x + 17, y - 14), (x + 38, y)], fill=rgb("#6b5a52"))
    for _k in range(90):
        x = rng.uniform(0, CW)
        y = y_at(mountain, x) + rng.uniform(20, 360)
        if y < CH * 0.6:
            r = rng.uniform(18, 34)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=rgb(rng.choice(["#5d8a61", "#4f7d56", "#6a9a6c"])))
    quay = CH * 0.80
    colours = ["#c4473a", "#f1c15c", "#f6f2e8", "#b8573d", "#e3a24a", "#f6f2e8", "#9c3b30", "#e9c46a", "#d66b4c"]
    x = -40
    k = 0
    while x < CW:
        w = rng.randint(220, 290)
        h = rng.randint(300, 380)
        colour = colours[k % len(colours)]
        trim = "#fbfaf4" if colour != "#f6f2e8" else "#b9aa93"
        top = quay - h
        draw.rectangle([x, top, x + w, quay], fill=rgb(colour))
        draw.polygon([(x - 4, top), (x + w / 2, top - w * 0.62), (x + w + 4, top)], fill=rgb(colour))
        # the dark roof edge on each side of the gable
        draw.line([(x - 4, top), (x + w / 2, top - w * 0.62), (x + w + 4, top)], fill=rgb("#4a3b36"), width=14)
        for lx in range(int(x) + 18, int(x + w), 22):  # board lines
            draw.line([(lx, top + 10), (lx, quay)], fill=rgb(mix(colour, "#000000", 0.08)), width=3)
        for row in range(3):
            for col in range(2 if w < 250 else 3):
                cols = 2 if w < 250 else 3
                wx = x + w * (col + 0.5) / cols - 22
                wy = top + 40 + row * 95
                if wy + 56 < quay - 70:
                    draw.rectangle([wx - 6, wy - 6, wx + 50, wy + 62], fill=rgb(trim))
                    draw.rectangle([wx, wy, wx + 44, wy + 56], fill=rgb("#34434e"))
                    draw.line([(wx + 22, wy), (wx + 22, wy + 56)], fill=rgb(trim), width=4)
        draw.rectangle([x + w * 0.38, quay - 110, x + w * 0.62, quay], fill=rgb(mix(colour, "#2b1d18", 0.55)))
        draw.line([(x + w, top), (x + w, quay)], fill=rgb(mix(colour, "#000000", 0.25)), width=6)
        x += w
        k += 1
    draw.rectangle([0, quay, CW, quay + 40], fill=rgb("#8a8f94"))
    water = gradient((CW, CH - int(quay) - 40), "#6f98ad", "#3e6b84")
    image.paste(water, (0, int(quay) + 40))
    draw = ImageDraw.Draw(image)
    for _k in range(90):  # reflections of the house colours
        x = rng.uniform(0, CW)
        y = rng.uniform(quay + 60, CH)
        c = colours[int(x / 250) % len(colours)]
        draw.line([(x, y), (x + rng.randint(40, 120), y)], fill=rgb(mix(c, "#4f7d94", 0.55)), width=6)
    finish(image, path, 5)


def fjord(path: Path) -> None:
    """A fjord between steep mountains, a small red boathouse and a rowing boat."""
    rng = random.Random(3)  # noqa: S311  # nosec B311
    image = gradient((CW, CH), "#cfe0ea", "#f1ece0")
    glow(image, (CW * 0.62, CH * 0.22), 90, "#fff2c9", 110)
    draw = ImageDraw.Draw(image)
    water_line = CH * 0.62
    far = [(CW * 0.2, water_line), (CW * 0.30, CH * 0.44), (CW * 0.42, CH * 0.27), (CW * 0.52, CH * 0.40),
           (CW * 0.60, CH * 0.31), (CW * 0.72, CH * 0.46), (CW * 0.8, water_line)]
    draw.polygon(far, fill=rgb("#a7bccb"))
    for px, py in ((CW * 0.42, CH * 0.27), (CW * 0.60, CH * 0.31)):  # snow on the far peaks
        draw.polygon([(px, py), (px - 64, py + 46), (px - 24, py + 36), (px + 4, py + 52), (px + 30, py + 38),
                      (px + 56, py + 44)], fill=rgb("#f6f7f5"))
    left = [(0, water_line), (0, CH * 0.12), (CW * 0.12, CH * 0.18), (CW * 0.24, CH * 0.36), (CW * 0.40, water_line)]
    right = [(CW, water_line), (CW, CH * 0.10), (CW * 0.86, CH * 0.20), (CW * 0.74, CH * 0.40), (CW * 0.58, water_line)]
    for shape, colour in ((left, "#5f7f6b"), (right, "#6b8c72")):
        draw.polygon(shape, fill=rgb(colour))

    def slope_top(shape, x):
        edge = sorted(shape[1:])
        for (x0, y0), (x1, y1) in zip(edge, edge[1:], strict=False):
            if x0 <= x <= x1:
                return y0 + (y1 - y0) * (x - x0) / max(x1 - x0, 1)
        return water_line

    for k in range(80):  # spruce on the slopes
        side = left if k % 2 == 0 else right
        x = rng.uniform(0, CW * 0.36) if side is left else rng.uniform(CW * 0.62, CW)
        top = slope_top(side, x)
        if top + 90 >= water_line:
            continue
        y = rng.uniform(top + 90, water_line)
        tree_spruce(draw, x, y, rng.uniform(50, 90), rng.choice(["#3e6149", "#2f5d3a", "#47704f"]))
    water = gradient((CW, CH - int(water_line)), "#9cb8c8", "#56809a")
    image.paste(water, (0, int(water_line)))
    draw = ImageDraw.Draw(image)
    # reflections of the slopes
    for shape, colour in ((left, "#5f7f6b"), (right, "#6b8c72")):
        mirrored = [(x, 2 * water_line - y) for x, y in shape]
        draw.polygon(mirrored, fill=rgb(mix(colour, "#7fa3b6", 0.6)))
    for _k in range(60):
        y = rng.uniform(water_line + 10, CH)
        x = rng.uniform(0, CW)
        draw.line([(x, y), (x + rng.randint(60, 200), y)], fill=rgb("#b8cfdb"), width=4)
    # boathouse and boat
    bx, by = CW * 0.70, water_line + 10
    draw.rectangle([bx, by - 150, bx + 240, by + 20], fill=rgb("#b2402f"))
    draw.polygon([(bx - 20, by - 150), (bx + 120, by - 250), (bx + 260, by - 150)], fill=rgb("#3b3330"))
    draw.rectangle([bx + 70, by - 110, bx + 170, by + 20], fill=rgb("#f4efe4"))
    draw.rectangle([bx + 80, by - 100, bx + 160, by + 20], fill=rgb("#5b2a22"))
    rx, ry = CW * 0.40, CH * 0.80
    draw.polygon([(rx - 160, ry), (rx + 160, ry), (rx + 110, ry + 50), (rx - 110, ry + 50)], fill=rgb("#f2efe7"))
    draw.line([(rx - 160, ry), (rx + 160, ry)], fill=rgb("#c4473a"), width=12)
    draw.line([(rx - 60, ry - 10), (rx - 240, ry + 70)], fill=rgb("#8a6b4a"), width=10)
    draw.line([(rx + 60, ry - 10), (rx + 240, ry + 70)], fill=rgb("#8a6b4a"), width=10)
    draw.ellipse([rx - 26, ry - 110, rx + 26, ry - 58], fill=rgb("#2e3a46"))
    draw.rounded_rectangle([rx - 40, ry - 60, rx + 40, ry + 4], radius=20, fill=rgb("#e0a43b"))
    finish(image, path, 3)


def dinner_table(path: Path) -> None:
    """A long dinner table seen from above: plates, glasses, bowls to share, bread, candles."""
    rng = random.Random(1)  # noqa: S311  # nosec B311
    image = Image.new("RGB", (CW, CH), rgb("#8a5f3f"))
    draw = ImageDraw.Draw(image)
    for y in range(0, CH, 6):  # wood grain
        shade = mix("#8a5f3f", "#6e4a31" if (y // 6) % 7 == 0 else "#94684a", rng.uniform(0.2, 0.7))
        draw.line([(0, y), (CW, y + rng.randint(-4, 4))], fill=shade, width=6)
    for y in (CH * 0.33, CH * 0.67):  # plank joints
        draw.line([(0, y), (CW, y)], fill=rgb("#5a3c28"), width=6)
    draw = ImageDraw.Draw(image)
    # a linen runner
    runner = [CW * -0.02, CH * 0.38, CW * 1.02, CH * 0.62]
    shadow(image, lambda d, o: d.rectangle([runner[0], runner[1] + 14, runner[2], runner[3] + 14], fill=255), 14, 90)
    draw = ImageDraw.Draw(image)
    draw.rectangle(runner, fill=rgb("#ede6d6"))
    for x in range(0, CW, 40):
        draw.line([(x, runner[1]), (x, runner[3])], fill=rgb("#e4dcc9"), width=3)

    def plate(cx, cy, r, food):
        shadow(image, lambda d, o: d.ellipse([cx - r + 10, cy - r + 18, cx + r + 10, cy + r + 18], fill=255), 16, 110)
        d = ImageDraw.Draw(image)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rgb("#fbfaf6"))
        d.ellipse([cx - r * 0.72, cy - r * 0.72, cx + r * 0.72, cy + r * 0.72], fill=rgb("#f1efe8"))
        food(d, cx, cy, r * 0.62)

    def salad(d, cx, cy, r):
        for k in range(16):
            a = k * 2.4
            rr = r * (0.25 + 0.55 * ((k * 37) % 10) / 10)
            x, y = cx + rr * math.cos(a), cy + rr * math.sin(a)
            s = r * 0.28
            d.ellipse([x - s, y - s * 0.7, x + s, y + s * 0.7], fill=rgb(["#6fa14a", "#8cbf5a", "#4f8a3a"][k % 3]))
        for k in range(5):
            a = k * 1.3 + 0.4
            x, y = cx + r * 0.45 * math.cos(a), cy + r * 0.45 * math.sin(a)
            d.ellipse([x - r * 0.12, y - r * 0.12, x + r * 0.12, y + r * 0.12], fill=rgb("#d9473a"))

    def stew(d, cx, cy, r):
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rgb("#c0673a"))
        for k in range(9):
            a = k * 0.7
            x, y = cx + r * 0.55 * math.cos(a), cy + r * 0.55 * math.sin(a)
            d.ellipse([x - r * 0.14, y - r * 0.14, x + r * 0.14, y + r * 0.14], fill=rgb(["#e8b04a", "#7a9a3a"][k % 2]))
        d.ellipse([cx - r * 0.3, cy - r * 0.3, cx + r * 0.3, cy + r * 0.3], fill=rgb("#f3eadb"))

    def fish(d, cx, cy, r):
        d.ellipse([cx - r, cy - r * 0.45, cx + r * 0.7, cy + r * 0.45], fill=rgb("#f0b7a0"))
        d.polygon([(cx + r * 0.6, cy), (cx + r, cy - r * 0.35), (cx + r, cy + r * 0.35)], fill=rgb("#f0b7a0"))
        for k in range(4):
            x = cx - r * 0.6 + k * r * 0.35
            d.line([(x, cy - r * 0.35), (x + r * 0.1, cy + r * 0.35)], fill=rgb("#e39a84"), width=6)
        for k in range(5):
            x, y = cx - r * 0.7 + k * r * 0.35, cy + r * 0.75
            d.ellipse([x - r * 0.16, y - r * 0.12, x + r * 0.16, y + r * 0.12], fill=rgb("#e9cf6a"))

    def glass(cx, cy, r, tint):
        shadow(image, lambda d, o: d.ellipse([cx - r + 8, cy - r + 14, cx + r + 8, cy + r + 14], fill=255), 10, 80)
        d = ImageDraw.Draw(image)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rgb(mix("#dfe9ec", tint, 0.35)), outline=rgb("#f8fbfc"),
                  width=8)
        d.ellipse([cx - r * 0.55, cy - r * 0.55, cx - r * 0.15, cy - r * 0.15], fill=rgb("#ffffff"))

    foods = [salad, stew, fish]
    seats_top = [CW * (0.08 + k * 0.21) for k in range(5)]
    for k, x in enumerate(seats_top):
        cy = CH * 0.16
        plate(x, cy, 170, foods[k % 3])
        d = ImageDraw.Draw(image)
        d.rounded_rectangle([x + 200, cy - 120, x + 216, cy + 120], radius=8, fill=rgb("#c9cdd1"))  # knife
        d.rounded_rectangle([x - 222, cy - 120, x - 206, cy + 120], radius=8, fill=rgb("#c9cdd1"))  # fork
        glass(x + 260, cy + 170, 52, "#c9d9a8" if k % 2 else "#e8c07a")
    for k, x in enumerate(seats_top):
        x = x + CW * 0.1
        cy = CH * 0.84
        plate(x, cy, 170, foods[(k + 1) % 3])
        d = ImageDraw.Draw(image)
        d.rounded_rectangle([x + 200, cy - 120, x + 216, cy + 120], radius=8, fill=rgb("#c9cdd1"))
        d.rounded_rectangle([x - 222, cy - 120, x - 206, cy + 120], radius=8, fill=rgb("#c9cdd1"))
        glass(x - 260, cy - 170, 52, "#e8c07a" if k % 2 else "#c9d9a8")
    # shared dishes along the runner
    mid = CH * 0.5
    for x, kind in ((CW * 0.14, "bread"), (CW * 0.36, "bowl"), (CW * 0.58, "candles"), (CW * 0.80, "bowl2")):
        if kind == "bread":
            shadow(image, lambda d, o, x=x: d.rounded_rectangle([x - 200, mid - 110, x + 220, mid + 130], 40, fill=255),
                   16, 110)
            d = ImageDraw.Draw(image)
            d.rounded_rectangle([x - 210, mid - 120, x + 210, mid + 120], radius=40, fill=rgb("#c69a63"))
            for k in range(4):
                bx = x - 140 + k * 90
                d.ellipse([bx - 50, mid - 80, bx + 50, mid + 80], fill=rgb("#d9a55f"))
                d.line([(bx - 20, mid - 40), (bx + 20, mid - 10)], fill=rgb("#b17d42"), width=8)
        elif kind in ("bowl", "bowl2"):
            r = 150
            shadow(image, lambda d, o, x=x, r=r: d.ellipse([x - r + 10, mid - r + 18, x + r + 10, mid + r + 18], fill=255),
                   18, 120)
            d = ImageDraw.Draw(image)
            d.ellipse([x - r, mid - r, x + r, mid + r], fill=rgb("#2f5f7a" if kind == "bowl" else "#e4dccb"))
            d.ellipse([x - r * 0.8, mid - r * 0.8, x + r * 0.8, mid + r * 0.8], fill=rgb("#f4efe2"))
            (salad if kind == "bowl" else stew)(d, x, mid, r * 0.7)
        else:
            for dx in (-140, 0, 140):
                shadow(image, lambda d, o, c=x + dx: d.ellipse([c - 44, mid - 36, c + 56, mid + 64], fill=255), 12, 90)
                d = ImageDraw.Draw(image)
                d.ellipse([x + dx - 48, mid - 48, x + dx + 48, mid + 48], fill=rgb("#d7c9a7"))
                d.ellipse([x + dx - 34, mid - 34, x + dx + 34, mid + 34], fill=rgb("#fbf5e6"))
                glow(image, (x + dx, mid), 12, "#ffcf5a", 120)
    finish(image, path, 1)


def rotated(cx, cy, w, h, angle):
    a = math.radians(angle)
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return [(cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)) for x, y in corners]


def idea_notes(path: Path) -> None:
    """Ideas from an evening's talk: sticky notes with handwriting on a light table, coffee,
    a pencil and a slice of cake."""
    rng = random.Random(4)  # noqa: S311  # nosec B311
    image = Image.new("RGB", (CW, CH), rgb("#d9c3a0"))
    draw = ImageDraw.Draw(image)
    for y in range(0, CH, 6):
        shade = mix("#d9c3a0", "#c9ae87" if (y // 6) % 9 == 0 else "#e0cdad", rng.uniform(0.2, 0.7))
        draw.line([(0, y), (CW, y + rng.randint(-3, 3))], fill=shade, width=6)
    # a sheet of paper under the notes
    sheet = rotated(CW * 0.40, CH * 0.52, 1500, 1050, -4)
    shadow(image, lambda d, o: d.polygon([(x + 14, y + 22) for x, y in sheet], fill=255), 20, 90)
    ImageDraw.Draw(image).polygon(sheet, fill=rgb("#fbfaf5"))
    colours = ["#f7d56b", "#a9d5c4", "#f3a98b", "#bcd48a", "#f7d56b", "#c5c2ea", "#a9d5c4", "#f3a98b"]
    spots = [(0.18, 0.28), (0.33, 0.22), (0.49, 0.30), (0.21, 0.62), (0.37, 0.58), (0.53, 0.66), (0.64, 0.34),
             (0.12, 0.86)]
    for k, ((fx, fy), colour) in enumerate(zip(spots, colours, strict=True)):
        cx, cy, angle = CW * fx, CH * fy, rng.uniform(-9, 9)
        note = rotated(cx, cy, 380, 380, angle)
        shadow(image, lambda d, o, note=note: d.polygon([(x + 8, y + 16) for x, y in note], fill=255), 12, 100)
        d = ImageDraw.Draw(image)
        d.polygon(note, fill=rgb(colour))
        a = math.radians(angle)
        for line in range(4):  # handwriting: wavy strokes
            length = rng.uniform(180, 280) if line < 3 else rng.uniform(90, 160)
            y0 = -110 + line * 64
            points = []
            for step in range(0, int(length), 12):
                x = -140 + step
                y = y0 + 10 * math.sin(step / 9 + k + line) + rng.uniform(-3, 3)
                points.append((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)))
            d.line(points, fill=rgb("#34404a"), width=7, joint="curve")
    d = ImageDraw.Draw(image)
    # a pencil
    px, py = CW * 0.60, CH * 0.84
    pencil = rotated(px, py, 560, 40, -18)
    d.polygon(pencil, fill=rgb("#e9b43c"))
    a = math.radians(-18)
    tip = (px + 330 * math.cos(a), py + 330 * math.sin(a))
    d.polygon([pencil[1], tip, pencil[2]], fill=rgb("#e8cfa4"))
    d.polygon([tip, (tip[0] - 40 * math.cos(a) + 8 * math.sin(a), tip[1] - 40 * math.sin(a) - 8 * math.cos(a)),
               (tip[0] - 40 * math.cos(a) - 8 * math.sin(a), tip[1] - 40 * math.sin(a) + 8 * math.cos(a))],
              fill=rgb("#3a3a3a"))
    # coffee
    cx, cy = CW * 0.84, CH * 0.30
    shadow(image, lambda d, o: d.ellipse([cx - 200, cy - 180, cx + 230, cy + 250], fill=255), 22, 110)
    d = ImageDraw.Draw(image)
    d.ellipse([cx - 210, cy - 210, cx + 210, cy + 210], fill=rgb("#f5f2ea"))
    d.ellipse([cx - 130, cy - 130, cx + 130, cy + 130], fill=rgb("#ffffff"))
    d.rounded_rectangle([cx + 110, cy - 30, cx + 210, cy + 30], radius=30, fill=rgb("#ffffff"))
    d.ellipse([cx - 108, cy - 108, cx + 108, cy + 108], fill=rgb("#6b4128"))
    d.ellipse([cx - 70, cy - 70, cx + 40, cy + 20], fill=rgb("#8a5a3a"))
    # cake
    kx, ky = CW * 0.84, CH * 0.76
    shadow(image, lambda d, o: d.ellipse([kx - 200, ky - 180, kx + 230, ky + 250], fill=255), 22, 110)
    d = ImageDraw.Draw(image)
    d.ellipse([kx - 210, ky - 210, kx + 210, ky + 210], fill=rgb("#fbfaf6"))
    slice_ = [(kx - 120, ky + 90), (kx + 130, ky + 40), (kx - 40, ky - 130)]
    d.polygon(slice_, fill=rgb("#f0d9a8"))
    d.line([slice_[0], slice_[1]], fill=rgb("#b5473a"), width=26)
    for k in range(6):
        bx, by = kx - 60 + k * 24, ky - 40 + (k % 2) * 36
        d.ellipse([bx - 14, by - 14, bx + 14, by + 14], fill=rgb("#b5473a"))
    finish(image, path, 4)


PICTURES = {
    ROOT / "ideas" / "demo_images" / "village.webp": village,
    ROOT / "ideas" / "demo_images" / "harbour.webp": harbour_city,
    ROOT / "ideas" / "demo_images" / "bryggen.webp": bryggen,
    ROOT / "ideas" / "demo_images" / "fjord.webp": fjord,
    ROOT / "dinners" / "demo_images" / "notes.webp": idea_notes,
    ROOT / "dinners" / "demo_images" / "table.webp": dinner_table,
}

if __name__ == "__main__":
    for target, draw_picture in PICTURES.items():
        draw_picture(target)
