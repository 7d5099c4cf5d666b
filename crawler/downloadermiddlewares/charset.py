"""Read every page in the charset it is really in, once, before the spider sees it.

Kazakh and Russian sites still serve windows-1251 or KOI8-R under a `charset=utf-8` default,
or the one under the other's name; Scrapy believes the declaration. `extraction.decode`
decides what the bytes are; the response is re-made with that encoding, so the spider reads
titles and dates as text, and the extract stage and the re-check decode alike.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response, TextResponse

from extraction.decode import codec_name, decode_html


class CharsetMiddleware:
    """Replace a text response's encoding with the one its bytes decode in."""

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        _, encoding = decode_html(response.body, content_type, response.encoding)
        if encoding != codec_name(response.encoding):
            return response.replace(encoding=encoding)
        return response
