from rest_framework.renderers import JSONRenderer


class SafeJSONRenderer(JSONRenderer):
    """JSON whose bytes never contain <, > or &: they are written as \\u escapes inside
    strings (the only place they can occur), so text people typed can never be read as
    markup, even by a client that wrongly puts a response into a page. Parsed, the data
    is unchanged."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        body = super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
