"""A feedback page made safe to open: its body through an allowlist sanitizer, its head checked, a strict CSP.

Everything between <body> and </body> comes, one way or another, from the student's notebook
(markdown, outputs, attachments, metadata, cell tags, execution counts, MathML made from their
LaTeX), so the whole body goes through nh3 (the Ammonia sanitizer) with the allowlist below,
whatever template block wrote it: no script, no event handler, no `javascript:` or remote URL
survives, and an attribute broken out of its quotes (an image width `1 onerror=...`) is just
another attribute to drop. The head is the course template's alone: it may hold only the
charset, the policy, the title and style sheets, or the page is refused.

The policy (a <meta> Content-Security-Policy) allows no script at all, loads nothing from
anywhere (images only as data: URLs inside the page) and allows exactly the page's own style
sheets, by hash.
"""
import base64
import hashlib
import re

import nh3

TEXT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "main", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
}
MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
    "mstyle", "mtable", "mtr", "mtd", "mover", "munder", "munderover", "mpadded", "mphantom", "menclose", "merror",
    "mmultiscripts", "mprescripts", "none", "semantics", "annotation",
}
# dropped with everything inside them
DROPPED_WITH_CONTENT = {
    "script", "style", "svg", "iframe", "frame", "frameset", "object", "embed", "applet", "template", "noscript",
    "noembed", "noframes", "textarea", "select", "title", "xmp", "base", "link", "meta", "form", "button",
    "audio", "video", "canvas", "dialog", "portal",
}
MATHML_ATTRIBUTES = {
    "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "minsize", "maxsize",
    "movablelimits", "largeop", "symmetric", "accent", "accentunder", "linethickness", "columnalign", "rowalign",
    "columnspacing", "rowspacing", "columnlines", "rowlines", "columnspan", "rowspan", "frame", "width", "height",
    "depth", "voffset", "scriptlevel", "displaystyle", "notation", "form", "encoding", "mathcolor",
    "mathbackground",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "li": {"value"},
    "details": {"open"},
    **{tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS},
}
DIMENSION = re.compile(r"\d{1,5}(?:\.\d{1,4})?")                      # an HTML width/height: a number
MATH_LENGTH = re.compile(r"[+-]?\d{0,5}(?:\.\d{1,6})?(?:em|ex|px|pt|mu|%)?|[a-z]{1,30}")   # 0.167em, thinmathspace
IMAGE_URL = re.compile(r"data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*", re.I)
LINK_URL = re.compile(r"#[^\s]*|(?:https?:|mailto:)[^\s]*", re.I)
DIMENSION_ATTRIBUTES = {"width", "height", "depth", "voffset", "lspace", "rspace", "minsize", "maxsize"}

HEAD_TAGS = {"!doctype", "html", "head", "meta", "title", "style"}
STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
POLICY_MARK = "KIT-CONTENT-SECURITY-POLICY"   # what the template puts where the page's policy goes


def _attribute(tag, name, value):
    """nh3's last word on each attribute it kept by name: URLs and sizes must be what they claim."""
    if tag == "img" and name == "src":
        return value if IMAGE_URL.fullmatch(value.strip()) else None
    if tag == "a" and name == "href":
        return value if LINK_URL.fullmatch(value.strip()) else None
    if name in DIMENSION_ATTRIBUTES:
        pattern = DIMENSION if tag == "img" else MATH_LENGTH
        return value.strip() if pattern.fullmatch(value.strip()) else None
    if "href" in name or "src" in name or value.strip().lower().startswith(("javascript:", "vbscript:", "data:")):
        return None
    return value


def clean_fragment(fragment):
    """`fragment` (any HTML, however hostile) with only allowlisted tags and attributes left."""
    return nh3.clean(fragment, tags=TEXT_TAGS | MATHML_TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                     attributes=ATTRIBUTES, attribute_filter=_attribute, strip_comments=True,
                     link_rel="noopener noreferrer nofollow", url_schemes={"http", "https", "mailto", "data"})


def style_hash(css):
    """The CSP source of an inline style sheet with text `css`."""
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(style_sheets):
    """The page's policy: no script, no connection, no remote anything; images only as data: URLs; these style
    sheets (by hash) and no others."""
    styles = " ".join(sorted({style_hash(css) for css in style_sheets})) or "'none'"
    return ("default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            "img-src data:; font-src data:; style-src %s" % styles)


def _check_head(head):
    """Refuse a head holding anything the course template does not put there (it is never sanitized)."""
    outside_styles = STYLE.sub("", head)
    tags = {tag.lower() for tag in re.findall(r"<\s*/?\s*(!?[A-Za-z][A-Za-z0-9-]*)", outside_styles)}
    if (not tags <= HEAD_TAGS or head.lower().count("<title") > 1 or head.lower().count("<meta") != 2
            or POLICY_MARK not in head):
        raise ValueError("the feedback page's head holds more than the course template writes there: %s"
                         % sorted(tags - HEAD_TAGS))
    for css in STYLE.findall(head):
        if "<" in css:
            raise ValueError("a style sheet of the feedback page holds markup")


def safe_page(page):
    """The whole page made safe: the body sanitized, the head checked, the policy filled in."""
    opening = re.search(r"<body[^>]*>", page, re.I)
    closing = page.lower().rfind("</body>")
    if opening is None or closing < opening.end():
        raise ValueError("the feedback page has no body")
    if not re.fullmatch(r"</body>\s*(?:</html>\s*)?", page[closing:], re.I):
        raise ValueError("the feedback page holds something after its body")
    head = page[:opening.start()]
    _check_head(head)
    policy = content_security_policy(STYLE.findall(head))
    return (head.replace(POLICY_MARK, policy) + opening.group(0) + clean_fragment(page[opening.end():closing])
            + page[closing:])
