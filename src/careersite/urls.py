"""German slugs, the URL scheme, and links that survive a sub-path deploy.

Pages are addressed by their site path: "" for home, "berufe/" for all roles,
"berufe/kundendienstleiter/bremen/" for a guide. Every page is a folder with
an index.html. Links are written root-relative with the base URL's path in
front ("/karriere/berufe/"), so they work at a domain root, under a sub-path,
and from 404.html, which a host serves at any depth.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, unquote, urlsplit

from slugify import slugify

GERMAN_TRANSLITERATION = [
    ["Ä", "Ae"],
    ["Ö", "Oe"],
    ["Ü", "Ue"],
    ["ä", "ae"],
    ["ö", "oe"],
    ["ü", "ue"],
    ["ß", "ss"],
    ["ẞ", "SS"],
]
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Paths of the files careersite writes besides the pages of guides and hubs.
STATIC_DIR = "static"  # fingerprinted copies of layouts/static/
SEARCH_BUNDLE = "suchindex"  # the search index (search.py)
SEARCH_PATH = "suche/"
SPECIAL_FILES = (
    "404.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "_redirects",  # the aliases for Netlify and Cloudflare Pages
    "nginx-redirects.conf",  # the aliases for nginx
)
MARKER = ".careersite-output"  # in an output folder: careersite made it (output/write.py)
# First URL segments that careersite's own files use. Also every name that
# starts with ".careersite": the search index works in such folders of the tree.
RESERVED = frozenset({STATIC_DIR, SEARCH_BUNDLE, SEARCH_PATH.strip("/"), *SPECIAL_FILES, MARKER})
OWN_PREFIX = ".careersite"
# The numbered sitemap files that sitemap.xml indexes past 50,000 URLs (feeds.SITEMAP_PART).
SITEMAP_PARTS = re.compile(r"sitemap-[0-9]+\.xml")
# The longest file name, in bytes of UTF-8, that ext4, APFS and NTFS (255
# UTF-16 units, never more than as many UTF-8 bytes) all take.
MAX_NAME_BYTES = 255
# A whole path is at most 4,096 bytes (Linux's PATH_MAX), the output folder's own included.
MAX_PATH_BYTES = 3072


@cache
def slug(text: str) -> str:
    """A URL segment: German transliteration, lower case, hyphens (names recur: kept).

    Normalised first: 'ü' written as u + U+0308 is 'ue' too, not 'u'.
    """
    normal = unicodedata.normalize("NFC", text)
    return str(slugify(normal, replacements=GERMAN_TRANSLITERATION))


def is_slug(text: str) -> bool:
    return bool(SLUG_PATTERN.match(text))


def is_reserved(segment: str) -> bool:
    """Whether a first URL segment names a file or folder of careersite's own."""
    folded = fold(segment)
    return (
        folded in RESERVED or folded.startswith(OWN_PREFIX) or bool(SITEMAP_PARTS.fullmatch(folded))
    )


def fold(name: str) -> str:
    """A file name as a host that ignores case and Unicode normalisation compares it.

    Such file systems (APFS, NTFS) fold one character to one: 'STRASSE' meets
    'strasse' there, 'straße' does not. str.casefold's full folding would
    make ß 'ss', so a character it folds to several stays as lower() has it.
    """
    normal = unicodedata.normalize("NFC", name)
    return unicodedata.normalize("NFC", "".join(map(_fold_one, normal)))


@cache
def _fold_one(char: str) -> str:
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lower = char.lower()
    return lower if len(lower) == 1 else char


def too_long(text: str) -> str | None:
    """Why a URL segment cannot be a file name, or None: its length, as written to disk."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_NAME_BYTES:
        return None
    return f"is {size} bytes long: a file name can have at most {MAX_NAME_BYTES}"


@dataclass(frozen=True)
class UrlWords:
    """The configurable first segments of the URL scheme."""

    roles: str = "berufe"
    cities: str = "staedte"
    page: str = "seite"  # further pages of a hub or list, inside its folder

    def roles_index(self) -> str:
        return f"{self.roles}/"

    def cities_index(self) -> str:
        return f"{self.cities}/"

    def role(self, role_slug: str) -> str:
        return f"{self.roles}/{role_slug}/"

    def guide(self, role_slug: str, city_slug: str) -> str:
        return f"{self.roles}/{role_slug}/{city_slug}/"

    def city(self, city_slug: str) -> str:
        return f"{self.cities}/{city_slug}/"

    def paged(self, first: str, number: int) -> str:
        """Page number of the hub or list whose first page is at first: 'berufe/seite/2/'."""
        return first if number == 1 else f"{first}{self.page}/{number}/"


def output_file(site_path: str) -> str:
    """The file a site path is written to, relative to the output folder."""
    if site_path == "" or site_path.endswith("/"):
        return f"{site_path}index.html"
    return site_path


def alias_problem(alias: str) -> str | None:
    """Why an old URL cannot be used as a redirect inside the site, or None."""
    parts = urlsplit(alias)
    if parts.scheme or parts.netloc or alias.startswith("//"):
        return "must be a path on this site, not a URL with a host"
    if not alias.startswith("/"):
        return "must start with '/'"
    if "%2f" in alias.lower():
        return "must not hide a '/' as %2F"
    path = unquote(alias)  # as copied from an address bar, '/stra%C3%9Fe/' is '/straße/'
    if "\x00" in path:
        return "must not hold %00"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return "must not hold a control character (a line break, a tab ...)"
    if len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        return f"is longer than {MAX_PATH_BYTES} bytes: files cannot be written that deep"
    alias = path
    if "\\" in alias or any(seg in {".", ".."} for seg in alias.split("/")):
        return "must not contain '.' or '..' segments"
    if parts.query or parts.fragment:
        return "must not have a query or fragment"
    for segment in alias.split("/"):  # each is a folder's name, as written
        if (reason := too_long(segment)) is not None:
            return f"has a segment that {reason}"
    return None


_HOST = re.compile(
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?", re.I
)
# RFC 3986's path characters: what may stand in an href, a sitemap and robots.txt as it is.
_URL_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")


def base_url_problem(url: str) -> str | None:
    """Why url cannot be the site's base URL (scheme, host, port, path alone), or None."""
    scheme, _, rest = url.partition("://")
    if scheme not in {"http", "https"}:
        return "must start with http:// or https://"
    if "?" in rest or "#" in rest:
        return "must not have a query (?) or fragment (#)"
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        return "must not hold a user name or password"
    if authority.startswith("["):  # an IPv6 address
        host, _, port = authority[1:].partition("]")
        known = bool(re.fullmatch(r"[0-9A-Fa-f:.]+", host)) and (not port or port[0] == ":")
        port = port[1:]
    else:
        host, _, port = authority.partition(":")
        known = bool(_HOST.fullmatch(host))
    if not known:
        return "needs a host name such as example.org"
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return "has a port that is not a number up to 65535"
    if not _URL_PATH.fullmatch(slash + path):
        return "may hold only the characters of a URL path (write others %-encoded, as %20)"
    return None


def alias_site_path(alias: str) -> str:
    """'/alt/seite/' and '/alt/seite' both become the folder 'alt/seite/'; '/' is home.

    Empty segments are dropped, as the file system drops them ('/alt//seite/').
    """
    decoded = unicodedata.normalize("NFC", unquote(alias))  # as a name in front matter is
    inner = "/".join(part for part in decoded.split("/") if part)
    return inner + "/" if inner else ""


@dataclass(frozen=True)
class Linker:
    """Turns site paths into hrefs and absolute URLs for one base URL."""

    base_url: str  # always ends with "/"

    @classmethod
    def for_base_url(cls, base_url: str) -> Linker:
        return cls(base_url if base_url.endswith("/") else base_url + "/")

    @property
    def base_path(self) -> str:
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def href(self, site_path: str) -> str:
        return self.base_path + _quoted(site_path)

    def absolute(self, site_path: str) -> str:
        return self.base_url + _quoted(site_path)


@cache
def _quoted(site_path: str) -> str:
    """Percent-encoded once per path: the sitemap alone quotes every page on each rebuild."""
    return quote(site_path, safe="/#")
