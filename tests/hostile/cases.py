"""The hostile-input corpus: requests a client should never send, generated reproducibly.

Each case is (category, raw bytes, expectation):
  REJECT  a 4xx with a JSON error body, or the connection closed without a response;
  ANY     a legitimate request may be hidden in it: any answer but a 5xx (4xx still JSON);
  UPSTREAM  legal and passed on: as ANY, but the upstream may refuse it (a 502);
  FIRST_OK_THEN_REJECT  a good request then garbage on one connection: a 200, then as REJECT.
"""

import random
import urllib.parse

REJECT = "reject"
ANY = "any"
UPSTREAM = "upstream"
FIRST_OK_THEN_REJECT = "first_ok_then_reject"

HOST = b"Host: 127.0.0.1\r\n"
GOOD = b"GET /health HTTP/1.1\r\n" + HOST + b"\r\n"
# The valid searches: few, so that they stay cached and memory stays flat.
VALID_QUERIES = [
    "q=usb+cable",
    "q=phone+case&page_size=1",
    "q=phone+case&page_size=50",
    "q=" + "a" * 200,
    "q=lamp&min_price=0&max_price=0.01",
    "q=lamp&category_id=1",
    "q=lamp&currency=JPY&language=fr&ship_to=de",
    "q=lamp&sort=quality&fields=product_id,title&affiliate=false",
]


def get(target, headers=b"", version=b"HTTP/1.1"):
    if isinstance(target, str):
        target = target.encode("latin-1")
    return b"GET " + target + b" " + version + b"\r\n" + HOST + headers + b"\r\n"


def post_search(body, headers=b""):
    return (
        b"POST /api/products/smart-search HTTP/1.1\r\n"
        + HOST
        + b"Content-Type: application/json\r\n"
        + headers
        + b"\r\n"
        + body
    )


def broken_request_lines(rng):
    fixed = [
        b"\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /health\r\n\r\n",
        b"GET  /health HTTP/1.1\r\n" + HOST + b"\r\n",
        b"GET /health  HTTP/1.1\r\n" + HOST + b"\r\n",
        b"GET /health HTTP/1.1 extra\r\n" + HOST + b"\r\n",
        b" GET /health HTTP/1.1\r\n" + HOST + b"\r\n",
        b"GET /he alth HTTP/1.1\r\n" + HOST + b"\r\n",
        b"GET /health HTTP/2.0\r\n" + HOST + b"\r\n",
        b"GET /health HTTP/1.10\r\n" + HOST + b"\r\n",
        b"GET /health HTTP/9.9\r\n" + HOST + b"\r\n",
        b"GET /health http/1.1\r\n" + HOST + b"\r\n",
        b"GET /health HTTP/1.1\r" + HOST + b"\r\n",
        b"GET /health HTTP/\r\n" + HOST + b"\r\n",
        b"GET /health HTTP/1.\r\n" + HOST + b"\r\n",
        b"GET /health HTTX/1.1\r\n" + HOST + b"\r\n",
        b"GET\t/health\tHTTP/1.1\r\n" + HOST + b"\r\n",
        b"GET /health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",
        b"GET /health HTTP/1.1\r\n: empty-name\r\n\r\n",
        b"GET /health HTTP/1.1\r\nX Y: z\r\n\r\n",
        b"GET /health HTTP/1.1\r\nX:\xff\xfe\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(64),  # a TLS ClientHello
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",  # the HTTP/2 preface
    ]
    out = [(REJECT, case) for case in fixed]
    # Random printable and binary request lines.
    for _ in range(400):
        length = rng.randint(1, 200)
        line = bytes(rng.randint(0, 255) for _ in range(length))
        out.append((ANY, line + b"\r\n" + HOST + b"\r\n"))
    return out


def unknown_methods(rng):
    methods = [b"FOO", b"get", b"Get", b"G-E-T", b"PROPFIND", b"TRACE", b"PATCH", b"BREW",
               b"M" * 1000, b"GET\x00", b"\x7fGET", b"GE\x01T", b"MKCALENDAR", b"LINK", b"PURGE"]
    out = []
    for method in methods:
        for target in (b"/health", b"/search?q=a", b"/admin/"):
            out.append((REJECT, method + b" " + target + b" HTTP/1.1\r\n" + HOST + b"\r\n"))
    for _ in range(100):
        method = bytes(rng.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-.^_`|~") for _ in range(rng.randint(1, 24)))
        out.append((REJECT, method + b" /search?q=x HTTP/1.1\r\n" + HOST + b"\r\n"))
    return out


def odd_targets(port):
    authority = b"127.0.0.1:%d" % port
    targets = [b"http://" + authority + b"/health", b"http://evil.example/search?q=x",
               b"https://" + authority + b"/search?q=usb+cable", b"*", authority,
               b"//health", b"health", b"/../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd",
               b"/health?", b"/health#frag", b"/search?", b"/search?&&&", b"/search?=",
               b"/search?q", b"/%00", b"/%", b"/%zz", b"/" + b"a" * 8000, b"/search?q=" + b"%41" * 3000]
    out = []
    for method in (b"GET", b"OPTIONS", b"CONNECT", b"HEAD", b"POST"):
        for target in targets:
            # Absolute-form is legal HTTP; a server may serve it or refuse it, never fail on it.
            out.append((ANY, method + b" " + target + b" HTTP/1.1\r\n" + HOST + b"\r\n"))
    return out


def old_versions():
    cases = [
        (REJECT, b"GET /health\r\n"),  # HTTP/0.9: no version, no headers
        (REJECT, b"GET /search?q=usb+cable\r\n"),
        (ANY, b"GET /health HTTP/1.0\r\n\r\n"),
        (ANY, b"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
        (ANY, b"GET /search?q=usb+cable HTTP/1.0\r\n\r\n"),
        (ANY, b"POST /api/products/smart-search HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}"),
        (REJECT, b"POST /api/products/smart-search HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
        (ANY, b"GET /health HTTP/1.1\r\n\r\n"),  # no Host
        (ANY, b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    ]
    return cases * 10


def oversized_headers():
    big = b"X-Big: " + b"a" * 20000 + b"\r\n"
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(3000))
    moderate = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(200))
    cases = [
        (REJECT, get("/health", big)),
        (REJECT, get("/health", many)),
        (REJECT, get("/health", moderate)),
        (REJECT, get("/search?q=" + "a" * 20000)),
        (REJECT, get("/health", b"Cookie: " + b"c=1; " * 5000 + b"\r\n")),
        (REJECT, get("/health", b"X-" + b"n" * 20000 + b": v\r\n")),
    ]
    return cases * 20


def header_folding():
    cases = [
        get("/health", b"X-Folded: a\r\n b\r\n"),
        get("/health", b"X-Folded: a\r\n\tb\r\n"),
        get("/search?q=x", b"Content-Length: 0\r\n 5\r\n"),
        b"GET /health HTTP/1.1\r\n folded-first: x\r\n" + HOST + b"\r\n",
        post_search(b"{}", b"Transfer-Encoding: identity\r\n chunked\r\nContent-Length: 2\r\n"),
    ]
    return [(ANY, case) for case in cases] * 20


def control_bytes(rng):
    out = []
    for byte in list(range(0, 32)) + [127]:
        b = bytes([byte])
        out.append((REJECT, b"GET /hea" + b + b"lth HTTP/1.1\r\n" + HOST + b"\r\n"))
        out.append((ANY, get("/health", b"X-Ctl: a" + b + b"b\r\n")))
        out.append((REJECT, get("/health", b"X-C" + b + b"tl: ab\r\n")))
        out.append((ANY, get("/search?q=a" + "%%%02X" % byte + "b")))
        out.append((ANY, get(b"/search?q=a" + b + b"b")))
    for _ in range(200):
        value = bytes(rng.choice([0, 1, 8, 9, 10, 13, 27, 127, 128, 255]) for _ in range(8))
        out.append((ANY, get("/health", b"X-Bin: " + value + b"\r\n")))
    return out


def bad_utf8_in_q(rng):
    encodings = ["%C0%AF", "%E0%80%AF", "%F0%80%80%AF", "%C0%80", "%ED%A0%80", "%ED%BF%BF",
                 "%F4%90%80%80", "%F8%88%80%80%80", "%FC%84%80%80%80%80", "%FF", "%FE", "%80",
                 "%BF", "%C2", "%E2%82", "%F0%9F%98", "%C3%28", "%E2%28%A1", "%00", "%EF%BB%BF",
                 "%E2%80%AE", "%E2%80%8B", "%C2%85", "%", "%4", "%G1", "%%", "%+", "%25%32%35"]
    out = []
    for enc in encodings:
        for where in ("q={e}", "q=a{e}b", "q={e}{e}{e}", "q=usb&sort={e}", "q={e}&currency={e}"):
            out.append((ANY, get("/search?" + where.format(e=enc))))
        body = b'{"q":"a' + urllib.parse.unquote_to_bytes(enc) + b'"}'
        out.append((ANY, post_search(body, b"Content-Length: %d\r\n" % len(body))))
    for _ in range(600):
        raw = bytes(rng.randint(128, 255) for _ in range(rng.randint(1, 12)))
        out.append((ANY, get(b"/search?q=" + b"".join(b"%%%02X" % c for c in raw))))
    return out


def parameter_bounds():
    past = [
        "q=", "q=+++", "q=" + "a" * 201, "q=" + "%E6%89%8B" * 201,
        "q=a&page_size=0", "q=a&page_size=51", "q=a&page_size=-1", "q=a&page_size=1e3",
        "q=a&page_size=99999999999999999999", "q=a&page_size=", "q=a&page_size=+5", "q=a&page_size=5.0",
        "q=a&min_price=-0.01", "q=a&min_price=1e9", "q=a&min_price=0.001", "q=a&min_price=abc",
        "q=a&max_price=99999999999999999999999", "q=a&min_price=5&max_price=4", "q=a&max_price=",
        "q=a&category_id=0", "q=a&category_id=-1", "q=a&category_id=9223372036854775808",
        "q=a&category_id=18446744073709551616", "q=a&category_id=1.5", "q=a&category_id=0x10",
        "q=a&currency=XXX", "q=a&currency=usd1", "q=a&currency=", "q=a&language=e", "q=a&language=eng",
        "q=a&language=1n", "q=a&ship_to=usa", "q=a&ship_to=1", "q=a&sort=cheapest", "q=a&sort=",
        "q=a&cursor=", "q=a&cursor=" + "A" * 1025, "q=a&cursor=" + "A" * 1024, "q=a&cursor=!!!!",
        "q=a&fields=", "q=a&fields=nope", "q=a&affiliate=maybe",
        "q=a&page_no=1", "q=a&unknown=1", "q=a&" + "x" * 5000 + "=1", "pagesize=5",
        "q=a&currency=JPY&min_price=1.5", "q=a&currency=BHD&min_price=1.0001",
    ]
    bodies = [b'{"q":"a","page_no":0}', b'{"q":"a","page_no":-1}', b'{"q":"a","page_no":1e9}',
              b'{"q":"a","page_no":"x"}', b'{"q":"a","page_size":51}', b'{"q":null}',
              b'{"q":["a"]}', b'{}', b'[]', b'"q"', b'{"q":"a","keywords":"b"}', b'{"q":"a",}',
              b'{"q":"a","page_no":99999999999999999999999}', b'{"q":"a","min_price":-1}',
              b'{"q":"a","page_no":9007199254740993}', b'{"q":"a"' + b"," * 1000 + b'}',
              b"[" * 10000 + b"]" * 10000]
    out = [(REJECT, get("/search?" + query)) for query in past]
    out += [(REJECT, post_search(body, b"Content-Length: %d\r\n" % len(body))) for body in bodies]
    out += [(ANY, get("/search?" + query)) for query in VALID_QUERIES + ["q=a&fields=" + "title," * 500]]
    # Control characters and a lone surrogate are cleaned out of q: what is left may be valid.
    # A number is accepted where a string is expected (JSON numbers or strings, api.md).
    for body in (b'{"q":1}', b'{"q":"\\ud800"}', b'{"q":"a\\u0000b"}', b'{"q":"a\\u202eb"}'):
        out.append((ANY, post_search(body, b"Content-Length: %d\r\n" % len(body))))
    out.append((UPSTREAM, get("/search?q=lamp&category_id=9223372036854775807")))
    return out * 12


def repeated_parameters():
    names = ["q", "page_size", "sort", "currency", "language", "ship_to", "min_price",
             "max_price", "category_id", "cursor", "fields", "affiliate"]
    values = {"q": "a", "page_size": "5", "sort": "price_asc", "currency": "USD", "language": "EN",
              "ship_to": "US", "min_price": "1", "max_price": "2", "category_id": "3",
              "cursor": "AAAA", "fields": "title", "affiliate": "true"}
    out = []
    for name in names:
        base = "q=a&" if name != "q" else ""
        out.append((REJECT, get("/search?" + base + "{0}={1}&{0}={1}".format(name, values[name]))))
        out.append((REJECT, get("/search?" + base + "&".join("%s=%s" % (name, values[name]) for _ in range(200)))))
    out.append((REJECT, get("/search?q=a&keywords=b")))
    return out * 10


def smuggling():
    chunked_body = b"5\r\nhello\r\n0\r\n\r\n"
    smuggled = b"GET /admin/monitoring/metrics HTTP/1.1\r\n" + HOST + b"\r\n"
    forms = [
        b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
        b"Transfer-Encoding: chunked, identity\r\n",
        b"Transfer-Encoding: identity, chunked\r\n",
        b"Transfer-Encoding: xchunked\r\n",
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: gzip, chunked\r\n",
        b"Transfer-Encoding : chunked\r\n",
        b"Transfer-Encoding:\x0bchunked\r\n",
        b"Transfer-Encoding: \"chunked\"\r\n",
        b"Content-Length: 3\r\nContent-Length: 4\r\n",
        b"Content-Length: 3, 4\r\n",
        b"Content-Length: +3\r\n",
        b"Content-Length: -3\r\n",
        b"Content-Length: 0x3\r\n",
        b"Content-Length: 3 3\r\n",
        b"Content-Length: 99999999999999999999999\r\n",
        b"Content-Length: \r\n",
    ]
    out = []
    for form in forms:
        for body in (chunked_body, chunked_body + smuggled, b"abc" + smuggled):
            out.append((REJECT, post_search(body, form)))
            out.append((REJECT, b"GET /health HTTP/1.1\r\n" + HOST + form + b"\r\n" + body))
    # Not Transfer-Encoding (an underscore): Content-Length frames the request, the rest is
    # the next request on the connection (garbage, or the request that was to be smuggled).
    look_alike = b"Transfer_Encoding: chunked\r\nContent-Length: 3\r\n"
    for body in (chunked_body, chunked_body + smuggled):
        out.append((ANY, b"GET /health HTTP/1.1\r\n" + HOST + look_alike + b"\r\n" + body))
    return out * 5


def bad_chunks():
    sizes = [b"zz", b"-1", b"ffffffffffffffffffff", b"0x5", b" 5", b"5 ", b"5;" + b"e" * 20000,
             b"", b"+5", b"5\n", b"\x00", b"100000000"]
    out = []
    for size in sizes:
        body = size + b"\r\nhello\r\n0\r\n\r\n"
        out.append((REJECT, post_search(body, b"Transfer-Encoding: chunked\r\n")))
    trailers = [b"5\r\nhello\r\n0\r\nX-Trailer: " + b"t" * 20000 + b"\r\n\r\n",
                b"5\r\nhelloEXTRA\r\n0\r\n\r\n", b"5\r\nhel", b"3\r\nabc\r\n" * 50000 + b"0\r\n\r\n"]
    for body in trailers:
        out.append((REJECT, post_search(body, b"Transfer-Encoding: chunked\r\n")))
    return out * 20


def pipelined_garbage(rng):
    garbage = [b"\x00" * 64, b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost: \x00\r\n\r\n",
               b"\r\n\r\n\r\n", b"GET /health HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
               b"X" * 20000]
    out = [(FIRST_OK_THEN_REJECT, GOOD + g) for g in garbage] * 20
    for _ in range(300):
        out.append((FIRST_OK_THEN_REJECT, GOOD + bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 100)))))
    return out


def mutations(rng):
    """Byte-level mutations of good requests: most are broken, some are still valid."""
    seeds = [GOOD, get("/search?" + VALID_QUERIES[0]),
             post_search(b'{"q":"usb cable"}', b"Content-Length: 17\r\n"),
             post_search(b"5\r\n{\"q\":\r\n8\r\n\"usb x\"}\r\n0\r\n\r\n", b"Transfer-Encoding: chunked\r\n")]
    out = []
    for _ in range(5600):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            op = rng.randint(0, 3)
            pos = rng.randrange(len(data))
            if op == 0:
                data[pos] = rng.randint(0, 255)
            elif op == 1:
                del data[pos]
            elif op == 2:
                data[pos:pos] = bytes([rng.randint(0, 255)])
            else:
                data[pos:pos] = data[pos:pos + rng.randint(1, 16)] * rng.randint(2, 50)
        out.append((ANY, bytes(data)))
    return out


def corpus(port, seed=14):
    rng = random.Random(seed)
    categories = {
        "broken request lines": broken_request_lines(rng),
        "unknown methods": unknown_methods(rng),
        "absolute-form and * targets": odd_targets(port),
        "HTTP/0.9 and 1.0": old_versions(),
        "oversized and too many headers": oversized_headers(),
        "header folding": header_folding(),
        "NUL and control bytes": control_bytes(rng),
        "invalid UTF-8 and overlong %-encodings in q": bad_utf8_in_q(rng),
        "parameters at and past their bounds": parameter_bounds(),
        "repeated parameters": repeated_parameters(),
        "CL+TE smuggling forms": smuggling(),
        "bad chunk sizes": bad_chunks(),
        "pipelined garbage after a good request": pipelined_garbage(rng),
        "mutated good requests": mutations(rng),
    }
    return [(name, expect, data) for name, cases in categories.items() for expect, data in cases]
