"""The fixture sites the demo and the tests serve, one module per kind of site.

`pangea_site` (Radio Azattyq's CMS), `wordpress_site` (a stock WordPress), `bureau_site`
(bureau.kz's WordPress), `telegram_site` (a channel's t.me/s/ preview); each returns a
`Site`: path -> route for `SiteServer`, plus the feeds, sections and sitemaps a source needs.
"""

from newsmon.demo.bureau import bureau_site
from newsmon.demo.pangea import pangea_site
from newsmon.demo.render import Site
from newsmon.demo.telegram import telegram_site
from newsmon.demo.wordpress import wordpress_site

__all__ = ["Site", "bureau_site", "pangea_site", "telegram_site", "wordpress_site"]
