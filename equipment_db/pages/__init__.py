"""Human-readable pages at the API's own permanent addresses: a browser asking for HTML gets
a page, anything else the JSON. Server-rendered (Jinja2), no script but the copy button."""
