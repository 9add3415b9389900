from .selectors import municipality_list


def municipality(request) -> dict:
    return {
        "current_municipality": getattr(request, "municipality", None),
        "municipalities": municipality_list,  # called lazily by the template
    }
