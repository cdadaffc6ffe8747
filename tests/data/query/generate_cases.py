#!/usr/bin/env python3
"""Writes routesim-cases.jsonl beside this script: routesim's own `routesim eval --cases` cases,
for what the edge peer's sample (tests/data/conformance/edge-peer-sample.jsonl) lacks: $twin,
IS_ARRAY / IS_OBJECT / IS_PRIMITIVE, leftover tokens, UTF-16 / UTF-32 bodies, content-type
gates, deep and large bodies, arrays, non-ASCII text, invalid JSON, built-ins at their edges,
is_null on body values and twin_change_includes.

Expectations follow shared/reference/query-language.md; where it is silent, what an IoT Hub user
would expect, said in the case's "note". Deterministic: run it again after editing and commit
the output (python3 tests/data/query/generate_cases.py).
"""

import base64
import json
import os

CASES = []


def case(cid, query, expect, message=None, twin=None, source=None, note=None, offset=None,
         length=None):
    c = {"id": cid, "query": query}
    c["message"] = message if message is not None else msg()
    if twin is not None:
        c["twin"] = twin
    if source is not None:
        c["source"] = source
    c["expect"] = expect
    if offset is not None:
        c["expect_offset"] = offset
    if length is not None:
        c["expect_length"] = length
    if note is not None:
        c["note"] = note
    CASES.append(c)


APP = {"key1": "value1", "key2": "3", "key3": "VALUE3", "null_value": None, "$sys4": "value4"}
SYS = {"sys1": "sysvalue1", "sys2": "4", "sys3": "SYSVALUE3", "sysnull": None, "sys4": "sysvalue4"}
JSON_UTF8 = {"contentType": "application/json", "contentEncoding": "utf-8"}

BODY = {
    "temp": 21.5,
    "name": "sensor-1",
    "on": True,
    "off": False,
    "nothing": None,
    "zero": 0,
    "neg": -1.5,
    "str50": "50",
    "nested": {"a": {"b": "deep"}, "empty": {}},
    "list": [1, "two", {"three": 3}, None, [5]],
    "emptyList": [],
    "unicode": "h\u00e9llo\U0001F600",
    "temp\u00e9rature": 30,
    "\u65e5\u672c": "\u6771\u4eac",
}

TWIN = {
    "tags": {
        "site": "paris",
        "floor": 3,
        "building": {"name": "B1"},
        "zones": ["a", "b"],
        "nothing": None,
        "Mixed": "M",
    },
    "properties": {
        "desired": {"telemetryConfig": {"sendFrequency": "5m"}, "x": 5},
        "reported": {"fw": "1.0.2", "battery": 87.5, "ok": True},
    },
}


def msg(app=None, sys=None, content=JSON_UTF8, body=BODY, body_text=None, body_base64=None):
    """A message: the sample's properties, plus content type/encoding and a body."""
    m = {"appProperties": dict(APP if app is None else app)}
    s = dict(SYS if sys is None else sys)
    if content is not None:
        s.update(content)
    m["systemProperties"] = s
    if body_text is not None:
        m["bodyText"] = body_text
    elif body_base64 is not None:
        m["bodyBase64"] = base64.b64encode(body_base64).decode("ascii")
    elif body is not None:
        m["body"] = body
    return m


def with_app(extra):
    app = dict(APP)
    app.update(extra)
    return msg(app=app)


# --- $twin ---------------------------------------------------------------------------------
def twin_cases():
    n = iter(range(1, 100))
    t = lambda q, e, **kw: case("rs-twin-%02d" % next(n), q, e, twin=kw.pop("twin", TWIN), **kw)
    t("$twin.tags.site = 'paris'", True)
    t("$twin.tags.floor = 3", True)
    t("$twin.tags.floor = '3'", False,
      note="a twin number against a string: kinds differ, no coercion")
    t("$twin.properties.desired.x = 5", True)
    t("$twin.properties.reported.fw = '1.0.2'", True)
    t("$twin.properties.desired.telemetryConfig.sendFrequency = '5m'", True)
    t("$twin.properties.reported.battery > 80 AND $twin.properties.reported.ok", True)
    t("$TWIN.tags.site = 'paris'", True,
      note="the $twin prefix ignores letter case, as $body's does")
    t("$twin.TAGS.SITE = 'paris'", True, note="twin names are case-insensitive")
    t("$twin.Properties.Desired.X = 5", True, note="twin names are case-insensitive")
    t("$twin.tags.mixed = 'M'", True, note="the twin's key is 'Mixed'")
    t("$twin.tags.site = 'PARIS'", False, note="values stay case-sensitive")
    t("$twin.tags.nope = null", True, note="a missing twin path is null")
    t("is_null($twin.tags.nope)", True)
    t("is_defined($twin.tags.nope)", True, note="missing path -> null, which is defined")
    t("$twin.tags.nothing = null", True)
    t("is_null($twin.tags.nothing)", True)
    t("is_null($twin.tags.site)", False)
    t("$twin.tags.building <> null", "undefined", note="an object is undefined")
    t("$twin.tags = null", "undefined", note="an object is undefined")
    t("is_defined($twin.tags.zones)", False, note="an array is undefined")
    t("$twin.tags.building.name = 'B1'", True)
    t("$twin.tags.zones[1] = 'b'", True)
    t("$twin.tags.zones[5] = null", True, note="index out of range -> null")
    t("$twin.tags.site.x = null", True, note="a path through a string is missing -> null")
    t("$twin.tags.floor + 1 = 4", True)
    t("upper($twin.tags.site) = 'PARIS'", True)
    t("$twin.tags.site = $twin.TAGS.Site", True, note="one twin path spelled in two letter cases")
    t("$twin.TAGS.site = 'paris' AND $twin.tags.floor = 3", True,
      note="sibling twin paths under a prefix spelled in two letter cases")
    # No twin at all: every $twin path is undefined.
    t("$twin.tags.site = 'paris'", "undefined", twin=None, note="no twin: undefined")
    t("is_defined($twin.tags.site)", False, twin=None)
    t("$twin.tags.anything = null", "undefined", twin=None,
      note="no twin: even a missing path is undefined, not null")
    t("is_null($twin.tags.site)", False, twin=None,
      note="no twin: undefined is not null (is_null is true only for a missing path or JSON null)")
    t("$twin.tags.site <> 'x' OR true", True, twin=None)
    # An empty twin document: paths are missing, so null.
    t("$twin.tags.site = null", True, twin={})
    t("is_defined($twin.properties.desired.x)", True, twin={"tags": {}},
      note="missing path in an existing twin -> null, defined")
    # Application property "$twin.<path>" wins; {$twin.<path>} forces the twin.
    t("$twin.tags.site = 'rome'", True, message=with_app({"$twin.tags.site": "rome"}))
    t("{$twin.tags.site} = 'paris'", True, message=with_app({"$twin.tags.site": "rome"}))
    t("{$twin.tags.site} = 'rome'", False, message=with_app({"$twin.tags.site": "rome"}))
    t("$twin.tags.site = 'rome'", True, message=with_app({"$TWIN.TAGS.SITE": "rome"}),
      note="application property names match case-insensitively")
    t("$twin.tags.floor = '3'", True, message=with_app({"$twin.tags.floor": "3"}),
      note="the application property is a string")
    t("$twin.tags.floor = 3", False, message=with_app({"$twin.tags.floor": "3"}),
      note="the application property '3' (a string) wins over the twin's number 3")
    # No content-type gate on the twin.
    t("$twin.tags.site = 'paris'", True, message={"appProperties": {"k": "v"}})
    t("$twin.tags.site = 'paris'", True,
      message=msg(content={"contentType": "text/plain", "contentEncoding": "latin1"}))
    t("$twin.tags.site = 'paris' AND $body.temp = 21.5", True)


# --- IS_ARRAY / IS_OBJECT / IS_PRIMITIVE -----------------------------------------------------
def shape_cases():
    n = iter(range(1, 100))
    s = lambda q, e, **kw: case("rs-shape-%02d" % next(n), q, e, twin=kw.pop("twin", TWIN), **kw)
    s("IS_OBJECT($body.nested)", True)
    s("IS_OBJECT($body.nested.empty)", True)
    s("IS_ARRAY($body.list)", True)
    s("IS_ARRAY($body.emptyList)", True)
    s("IS_ARRAY($body.nested)", False)
    s("IS_OBJECT($body.list)", False)
    s("IS_PRIMITIVE($body.nested)", False)
    s("IS_PRIMITIVE($body.list)", False)
    s("IS_PRIMITIVE($body.temp)", True)
    s("IS_PRIMITIVE($body.name)", True)
    s("IS_PRIMITIVE($body.on)", True)
    s("IS_PRIMITIVE($body.nothing)", True, note="JSON null is primitive")
    s("IS_PRIMITIVE($body.missing)", True, note="a missing path is null, which is primitive")
    s("IS_OBJECT($body.missing)", False)
    s("IS_ARRAY($body.list[4])", True)
    s("IS_OBJECT($body.list[2])", True)
    s("IS_PRIMITIVE($body.list[1])", True)
    s("is_array($body.nested.a.b)", False)
    s("Is_Object($body.nested.a)", True, note="function names ignore case")
    s("IS_ARRAY($twin.tags.zones)", True)
    s("IS_OBJECT($twin.tags.building)", True)
    s("IS_OBJECT($twin.tags)", True)
    s("IS_OBJECT($twin.properties.desired)", True)
    s("IS_PRIMITIVE($twin.tags.site)", True)
    s("IS_PRIMITIVE($twin.tags.zones)", False)
    s("IS_OBJECT($twin.tags)", False, twin=None, note="no twin: undefined, all three are false")
    s("IS_PRIMITIVE($twin.tags.site)", False, twin=None)
    s("IS_OBJECT($body.nested)", False, message=msg(content={"contentType": "text/plain",
                                                            "contentEncoding": "utf-8"}),
      note="body not JSON by its content type: undefined")
    s("IS_PRIMITIVE($body.temp)", False, message=msg(content={"contentType": "text/plain",
                                                             "contentEncoding": "utf-8"}))
    s("IS_PRIMITIVE(3)", True)
    s("IS_PRIMITIVE('a')", True)
    s("IS_PRIMITIVE(true)", True)
    s("IS_PRIMITIVE(null)", True)
    s("IS_PRIMITIVE(3 / 0)", True, note="+Infinity is a defined number")
    s("IS_PRIMITIVE(3 % 0)", False, note="NaN is undefined")
    s("IS_PRIMITIVE(undefined)", False)
    s("IS_ARRAY(undefined)", False)
    s("IS_OBJECT(undefined)", False)
    s("IS_PRIMITIVE(key1)", True)
    s("IS_PRIMITIVE(none)", False, note="a missing application property is undefined")
    s("IS_PRIMITIVE(null_value)", True,
      note="a property whose value is null is a (null) primitive, "
           "as is_defined(null_value) is true")
    s("IS_PRIMITIVE(none = 'x')", False, note="the undefined bool")
    s("IS_ARRAY('[1]')", False)
    s("IS_OBJECT(key1)", False)
    s("IS_OBJECT($body.nested)", False, message=with_app({"$body.nested": "x"}),
      note="the application property '$body.nested' (a string) wins")
    s("IS_PRIMITIVE($body.nested)", True, message=with_app({"$body.nested": "x"}))
    s("IS_OBJECT({$body.nested})", True, message=with_app({"$body.nested": "x"}),
      note="{$body.x} forces the body")
    s("is_defined($body.nested)", False, note="other functions see objects as undefined")
    s("$body.list = $body.list", "undefined", note="arrays are undefined to operators")
    s("$body.nested <> null", "undefined")
    s("IS_OBJECT($body.nested) AND IS_ARRAY($body.list) AND IS_PRIMITIVE($body.temp)", True)
    s("NOT IS_ARRAY($body.nested)", True)


# --- Leftover tokens (routesim: a compile error) ----------------------------------------------
def leftover_cases():
    n = iter(range(1, 100))
    note = "tokens left over after a complete expression are a compile error in routesim"
    l = lambda q, **kw: case("rs-leftover-%02d" % next(n), q, "compile_error",
                             note=kw.pop("note", note), **kw)
    l("3 $ 4", offset=2, length=1)
    l("\"it\"\"s\"", offset=4, length=3, note="two strings; doubled quotes are not an escape")
    l("true false", offset=5, length=5)
    l("key1 = 'value1' key2", offset=16, length=4)
    l("$ sys1 = 'sysvalue1'", offset=2, length=4, note="a lone $ is an identifier")
    l("3 -4", offset=2, length=2, note="-4 is one INTEGER token, left over")
    l("$body.properties []")
    l("$body.properties,reported")
    l("(1 = 1) (2 = 2)")
    l("key1 = 'value1' )", offset=16, length=1)
    l("is_defined(key1) is_defined(key2)")
    l("'a' 'b'")
    l("'\u65e5\u672c' = '\u65e5\u672c' x", offset=12, length=1,
      note="offsets count code points, not bytes")
    l("$body;@", note="invalid symbol after a complete expression")


# --- Encodings and content-type gates -----------------------------------------------------
def encoding_cases():
    n = iter(range(1, 100))
    e = lambda q, x, **kw: case("rs-enc-%02d" % next(n), q, x, **kw)
    enc = lambda name: {"contentType": "application/json", "contentEncoding": name}
    e("$body.temp = 21.5", True, message=msg(content=enc("utf-16")))
    e("$body.unicode = 'h\u00e9llo\U0001F600'", True, message=msg(content=enc("utf-16")))
    e("$body.\u65e5\u672c = '\u6771\u4eac'", True, message=msg(content=enc("UTF-16")))
    e("$body.temp\u00e9rature = 30", True, message=msg(content=enc("utf-32")))
    e("length($body.unicode) = 7", True, message=msg(content=enc("UTF-32")))
    e("$body.list[2].three = 3", True, message=msg(content=enc("Utf-32")))
    e("$body.temp = 21.5", True, message=msg(content=enc("UTF-8")))
    e("$body.temp = 21.5", True, message=msg(content={"contentType": "APPLICATION/JSON",
                                                       "contentEncoding": "utf-8"}),
      note="content type and encoding names ignore case")
    e("$body.temp = 21.5", "undefined",
      message=msg(content=enc("utf-16"), body_text='{"temp": 21.5, "x": }'),
      note="UTF-16 text that is not valid JSON")
    utf16 = json.dumps({"temp": 21.5}).encode("utf-16-le")
    e("$body.temp = 21.5", "undefined", message=msg(content=enc("utf-8"), body_base64=utf16),
      note="UTF-16 bytes declared UTF-8 do not decode as JSON")
    e("$body.temp = 21.5", "undefined",
      message=msg(content=enc("utf-16"), body_base64=b'{"temp":1}'),
      note="UTF-8 bytes (odd length) declared UTF-16")
    e("$body.temp = 21.5", "undefined",
      message=msg(content=enc("utf-32"), body_base64=utf16),
      note="UTF-16 bytes declared UTF-32")
    e("$body.temp = 21.5", True,
      message=msg(content=enc("utf-16"), body_base64=utf16), note="UTF-16LE without a BOM")
    # Content-type / content-encoding gates.
    gate = ("a missing or unsupported contentType / contentEncoding makes every $body query "
            "undefined")
    e("$body.temp = 21.5", "undefined",
      message=msg(content={"contentType": "text/plain", "contentEncoding": "utf-8"}), note=gate)
    e("$body.temp = 21.5", "undefined",
      message=msg(content={"contentType": "application/xml", "contentEncoding": "utf-8"}))
    e("$body.temp = 21.5", "undefined", message=msg(content={"contentEncoding": "utf-8"}),
      note=gate)
    e("$body.temp = 21.5", "undefined", message=msg(content={"contentType": "application/json"}),
      note=gate)
    e("$body.temp = 21.5", "undefined", message=msg(content=enc("latin1")), note=gate)
    e("$body.temp = 21.5", "undefined", message=msg(content=enc("utf8")),
      note="only utf-8, utf-16 and utf-32 (with the dash) are supported")
    e("$body.temp = 21.5", "undefined",
      message=msg(content={"contentType": None, "contentEncoding": "utf-8"}),
      note="a content type present without a value")
    e("is_defined($body.temp)", False,
      message=msg(content={"contentType": "text/plain", "contentEncoding": "utf-8"}))
    e("$body.missing = null", "undefined",
      message=msg(content={"contentType": "text/plain", "contentEncoding": "utf-8"}),
      note="an unreadable body is undefined, not a missing path")
    e("key1 = 'value1' AND is_defined($body.temp)", False,
      message=msg(content={"contentType": "text/plain", "contentEncoding": "utf-8"}))
    e("key1 = 'value1' OR $body.temp = 21.5", True,
      message=msg(content={"contentType": "text/plain", "contentEncoding": "utf-8"}))
    e("$contentType = 'application/json'", True)
    e("$contentEncoding = 'utf-16'", True, message=msg(content=enc("utf-16")))


# --- Deep and large bodies ------------------------------------------------------------------
def size_cases():
    depth = 50
    deep = {"v": "bottom"}
    for _ in range(depth):
        deep = {"l": deep}
    path = ".".join(["l"] * depth)
    m = msg(body=deep)
    case("rs-size-01", "$body.%s.v = 'bottom'" % path, True, message=m, note="50 levels deep")
    case("rs-size-02", "IS_OBJECT($body.%s)" % ".".join(["l"] * (depth - 1)), True, message=m)
    case("rs-size-03", "$body.%s.nope = null" % path, True, message=m)
    case("rs-size-04", "is_defined($body.%s)" % path, False, message=m, note="an object")

    arrays = "end"
    for _ in range(depth):
        arrays = [arrays]
    m = msg(body={"a": arrays, "after": 1})
    case("rs-size-05", "IS_ARRAY($body.a) AND $body.after = 1", True, message=m,
         note="50 nested arrays before the value read")

    items = [{"id": i, "name": "item-%04d" % i, "pad": "x" * 80, "ok": i % 2 == 0}
             for i in range(1700)]
    big = {"items": items, "last": "needle"}
    m = msg(body=big)
    size = len(json.dumps(big, separators=(",", ":")))
    assert 190000 < size < 230000, size
    case("rs-size-06",
         "$body.last = 'needle' AND $body.items[1699].name = 'item-1699' AND "
         "$body.items[1699].ok = false AND $body.items[1700].name = null AND "
         "IS_ARRAY($body.items) AND IS_OBJECT($body.items[0])",
         True, message=m,
         note="~200 KB body: the value after a large array, its last element, and index 1700 "
              "out of range -> null")
    text = json.dumps(big, separators=(",", ":"))[:-1] + ",}"
    case("rs-size-07", "$body.items[0].id = 0", "undefined", message=msg(body_text=text),
         note="a syntax error at the very end of a large body, after the value read")


# --- Arrays and indexes ----------------------------------------------------------------------
def array_cases():
    n = iter(range(1, 100))
    a = lambda q, e, **kw: case("rs-array-%02d" % next(n), q, e, **kw)
    a("$body.list[0] = 1", True)
    a("$body.list[1] = 'two'", True)
    a("$body.list[2].three = 3", True)
    a("$body.list[3] = null", True)
    a("$body.list[99] = null", True, note="index out of range -> null")
    a("is_null($body.list[99])", True)
    a("$body.emptyList[0] = null", True)
    a("$body.name[0] = null", True, note="index on a string -> null")
    a("$body.nested[0] = null", True, note="index on an object -> null")
    a("$body.temp[0] = null", True, note="index on a number -> null")
    a("$body.list[4] <> null", "undefined", note="an array is undefined")
    a("$body.list[0] + $body.list[2].three = 4", True)
    a("$body.list[99999999999999999999] = null", True, note="a huge index never matches")
    a("$body.list[-1] = 1", "compile_error", note="indexes are digits only", offset=0, length=14)
    a("$body.list[] = 1", "compile_error", offset=0, length=12)
    a("$body.list[0][0] = 1", "compile_error", note="one index per path segment")
    a("$body.list['0'] = 1", "compile_error")
    a("$body.list[1:2] = 1", "compile_error")
    a("$body.list.0 = 1", True, message=msg(body={"list": {"0": 1}}),
      note="a member named '0' is a name, not an index")


# --- Non-ASCII -------------------------------------------------------------------------------
def unicode_cases():
    n = iter(range(1, 100))
    u = lambda q, e, **kw: case("rs-unicode-%02d" % next(n), q, e, **kw)
    u("$body.temp\u00e9rature = 30", True)
    u("$body.\u65e5\u672c = '\u6771\u4eac'", True)
    u("$body.unicode = 'h\u00e9llo\U0001F600'", True)
    u("$body.unicode = 'hello\U0001F600'", False)
    u("$body.unicode = 'h\\u00e9llo\\ud83d\\ude00'", True, note="\\uXXXX escapes, a surrogate pair")
    u("length($body.unicode) = 7", True, note="UTF-16 code units: the emoji counts 2")
    u("index_of($body.unicode, '\U0001F600') = 5", True)
    u("substring($body.unicode, 5) = '\U0001F600'", True)
    u("length(substring($body.unicode, 5, 1)) = 1", True, note="half a surrogate pair")
    u("upper($body.unicode) = 'H\u00c9LLO\U0001F600'", True)
    u("contains($body.\u65e5\u672c, '\u4eac')", True)
    u("as_number(temp\u00e9rature) = 30", True, message=with_app({"temp\u00e9rature": "30"}))
    u("$body.name < '\u00e9'", True, note="ordinal: 's' (U+0073) < U+00E9")
    u("'\u00e9' > 'z'", True)
    u("'\u00e4' < '\u00e9'", True)
    u("'Z' < 'a'", True, note="ordinal, case-sensitive")
    u("'\u65e5' < '\u672c'", True)
    u("'\U0001F600' < '\\uE000'", True,
      note="UTF-16 code-unit order: the surrogate D83D sorts below U+E000 "
           "(code-point order would not)")
    u("'\U0001F600' > '\\uD7FF'", True)
    u("$body.unicode > 'hz'", True, note="U+00E9 > 'z'")
    u("$body.\u65e5\u672c >= '\u6771'", True)
    u("lower('\u00c0\u00c9\u00ce') = '\u00e0\u00e9\u00ee'", True)


# --- Invalid JSON bodies ---------------------------------------------------------------------
def invalid_json_cases():
    n = iter(range(1, 100))
    bad = lambda q, text, e="undefined", **kw: case("rs-badjson-%02d" % next(n), q, e,
                                                     message=msg(body_text=text), **kw)
    note = "the whole body is parsed: a syntax error anywhere makes $body undefined"
    bad("$body.temp = 21.5", '{"temp": 21.5, "x": }', note=note)
    bad("$body.temp = 21.5", '{"temp": 21.5} trailing', note=note)
    bad("$body.temp = 21.5", '{"temp": 21.5,}', note=note)
    bad("$body.temp = 21.5", '{"temp": 21.5', note=note)
    bad("$body.temp = 21.5", "{'temp': 21.5}", note=note)
    bad("$body.temp = 21.5", '{"temp": 21.5, "s": "\\x"}', note=note)
    bad("$body.temp = 21.5", '{"temp": 21.5, "n": 021}', note=note)
    bad("$body.temp = 21.5", '{"temp": 21.5, "n": NaN}', note=note)
    bad("$body.temp = 21.5", '{"temp": 21.5, "t": tru}', note=note)
    bad("$body.temp = 21.5", '[{"temp": 21.5}]', note="the top level must be an object")
    bad("$body.temp = 21.5", '"just a string"', note="the top level must be an object")
    bad("$body.temp = 21.5", "", note="an empty body")
    bad("is_defined($body.temp)", '{"temp": 21.5, "x": }', False)
    bad("$body.temp = 21.5", '{\n  "temp" : 21.5 ,\n  "x" : [ 1 , 2 ]\n}\n', True,
        note="insignificant white space is fine")


# --- JSON text details: escapes, number forms -----------------------------------------------
def json_text_cases():
    n = iter(range(1, 100))
    j = lambda q, text, e=True, **kw: case("rs-json-%02d" % next(n), q, e,
                                           message=msg(body_text=text), **kw)
    j("$body.s = 'a\u00e9\"b'", '{"s":"a\\u00e9\\"b"}', note="JSON escapes in a body string")
    j("$body.s = '\U0001F600'", '{"s":"\\ud83d\\ude00"}', note="a JSON surrogate-pair escape")
    j("$body.k\u00e9y = 1", '{"k\\u00e9y":1}', note="an escaped member name")
    j("$body.s = 'tab\there'", '{"s":"tab\\there"}', note="a tab in the query string literal")
    j("length($body.s) = 1", '{"s":"\\u0000"}', note="an escaped NUL is one character")
    j("$body.s = 'x'", '{"s":"x\u0001"}', "undefined",
      note="an unescaped control character is invalid JSON")
    j("$body.x = 100", '{"x":1E2}')
    j("$body.x = 0", '{"x":-0}')
    j("$body.x = 12345678901234567890", '{"x":12345678901234567890}',
      note="integers beyond 64 bits read as doubles")
    j("$body.x = 10e1000", '{"x":1e400}', note="a JSON number beyond double range is +Infinity, "
                                              "as the literal 10e1000 and as_number('1e400')")
    j("$body.x = null", "{}")
    j("$body.x = null", "null", "undefined", note="the top level must be an object")
    j("$body.x = 1", '  \r\n\t{"x":1}\n\n', note="white space around the object")


# --- Built-in functions at their edges -----------------------------------------------------
def builtin_cases():
    n = iter(range(1, 200))
    b = lambda q, e, **kw: case("rs-fn-%03d" % next(n), q, e, **kw)
    # substring
    b("substring('abc', 3) = ''", True)
    b("is_defined(substring('abc', 3, 0))", False, note="with a length, start must be < length")
    b("substring('hello', 4, 0) = ''", True)
    b("substring('hello', -0.5) = 'hello'", True, note="indices are truncated: -0.5 -> 0")
    b("substring('hello', 1.9, 2.9) = 'el'", True, note="indices are truncated")
    b("is_defined(substring('hello', 0 % 0))", False, note="NaN start")
    b("is_defined(substring('hello', 6))", False)
    b("is_defined(substring('hello', -1))", False)
    b("substring('hello', 0, 5) = 'hello'", True)
    b("is_defined(substring('hello', 1, 5))", False)
    b("substring($body.name, 7) = '1'", True)
    b("is_defined(substring($body.temp, 1))", False, note="a number where a string is needed")
    # index_of, length
    b("index_of('abc', '') = 0", True)
    b("index_of('\U0001F600x', 'x') = 2", True, note="UTF-16 index")
    b("index_of('abc', 'C') = -1", True)
    b("is_defined(index_of(none, 'a'))", False)
    b("length('\U0001F600') = 2", True)
    b("length('') = 0", True)
    b("is_defined(length(null_value))", False)
    b("length($body.name) = 8", True)
    b("is_defined(length($body.list))", False)
    # lower, upper
    b("upper('stra\u00dfe') = 'STRA\u00dfE'", True,
      note="invariant simple case mapping: the sharp s has no one-character uppercase")
    b("lower(key3) = 'value3'", True)
    b("is_defined(upper(none))", False)
    # concat
    b("concat('a', null_value, 'b') = 'ab'", True)
    b("concat(null_value, null_value) = ''", True)
    b("is_defined(concat('a', none))", False)
    b("concat($body.name, '-', $body.unicode) = 'sensor-1-h\u00e9llo\U0001F600'", True)
    b("is_defined(concat($body.name, $body.temp))", False,
      note="a body number where a string is needed: undefined")
    b("is_defined(concat($body.name, $body.nothing))", False,
      note="§5: at run time an argument of the wrong dynamic kind (JSON null is not a string) "
           "makes the result undefined; only a null-valued *property* contributes ''")
    b("is_defined($body.name || $body.missing)", False,
      note="a missing path is a JSON null, not a string: undefined, as concat")
    b("concat($body.name, key1, 'x') = 'sensor-1value1x'", True)
    # math
    b("sign(3 / 0) = 1", True)
    b("sign(-3 / 0) = -1", True)
    b("sign(0) = 0", True)
    b("sign(-0.5) = -1", True)
    b("is_defined(sqrt(-4))", False)
    b("sqrt(16) = 4", True)
    b("power(10, 4000) = 3 / 0", True)
    b("power(2, -1) = 0.5", True)
    b("is_defined(power(-8, 0.5))", False, note="NaN")
    b("exp(4000) = 3 / 0", True)
    b("exp(-4000) = 0", True)
    b("square(1e200) = 3 / 0", True)
    b("square(-3) = 9", True)
    b("abs(-0.5) = 0.5", True)
    b("ceiling(-0.5) = 0", True)
    b("floor(0.5) = 0", True)
    b("abs($body.neg) = 1.5", True)
    b("is_defined(abs($body.name))", False)
    b("floor($body.temp) = 21 AND ceiling($body.temp) = 22", True)
    # as_number
    b("as_number(' 3 ') = 3", True)
    b("as_number('1,000') = 1000", True, note=".NET NumberStyles.Any: group separators")
    b("as_number('(5)') = -5", True, note="parentheses mean negative")
    b("as_number('5-') = -5", True, note="trailing sign")
    b("as_number('10e1000') = 3 / 0", True)
    b("as_number('-10e1000') = -3 / 0", True)
    b("is_defined(as_number('0x10'))", False, note="hex is not accepted")
    b("is_defined(as_number(''))", False)
    b("is_defined(as_number('apple'))", False)
    b("as_number('1e3') = 1000", True)
    b("as_number($body.str50) = 50", True)
    b("as_number($body.temp) = 21.5", True, note="a number stays a number")
    b("is_defined(as_number($body.on))", False)
    b("is_defined(as_number(null_value))", False)
    # type predicates
    b("is_number(3 / 0)", False, note="finite numbers only")
    b("is_number($body.temp)", True)
    b("is_number($body.str50)", False)
    b("is_number(as_number('1,000'))", True)
    b("is_string($body.name)", True)
    b("is_string($body.temp)", False)
    b("is_string(null_value)", False)
    b("is_string('')", True)
    b("is_bool($body.on)", True)
    b("is_bool($body.name)", False)
    b("is_bool($body.missing)", False)
    b("is_bool(none = 'x')", "undefined", note="is_bool of the undefined bool is undefined")
    b("is_defined($body.nothing)", True)
    b("is_defined($body.missing)", True, note="a missing path is null, which is defined")
    b("is_defined(null_value)", True)
    b("is_defined(none)", False)
    b("is_defined(3 / 0)", True)
    # string predicates
    b("starts_with($body.name, 'sensor')", True)
    b("ends_with($body.name, '-1')", True)
    b("contains($body.name, 'SOR')", False, note="case-sensitive")
    b("starts_with($body.name, '')", True)
    b("is_defined(contains($body.temp, '2'))", False)
    b("ends_with($body.unicode, '\U0001F600')", True)
    b("starts_with(null_value, '')", "undefined")
    # coalesce
    b("($body.missing ?? 'd') = 'd'", False,
      note="a missing path is null, which is defined, so ?? keeps it; null vs string: kinds differ")
    b("($body.nested ?? 'd') = 'd'", True, note="an object is undefined, so ?? takes the right")
    b("($body.temp ?? 0) = 21.5", True)
    b("(none ?? key1) = 'value1'", True)
    b("(null_value ?? 'x') = 'x'", "undefined",
      note="a null-valued property is defined, so ?? keeps it; comparing it is undefined")
    b("(3 % 0 ?? 12.34) = 12.34", True)


# --- is_null on $body values ------------------------------------------------------------
def is_null_cases():
    n = iter(range(1, 100))
    i = lambda q, e, **kw: case("rs-isnull-%02d" % next(n), q, e, twin=kw.pop("twin", TWIN), **kw)
    rule = "routesim: is_null on a $body value is true for a missing path or JSON null, else false"
    i("is_null($body.nothing)", True, note=rule)
    i("is_null($body.missing)", True, note=rule)
    i("is_null($body.nested.a.zzz)", True, note=rule)
    i("is_null($body.name)", False, note=rule)
    i("is_null($body.temp)", False, note=rule)
    i("is_null($body.zero)", False, note=rule)
    i("is_null($body.off)", False, note=rule)
    i("is_null($body.str50)", False, note=rule)
    i("is_null($body.nested)", False, note=rule)
    i("is_null($body.list)", False, note=rule)
    i("is_null($body.list[3])", True, note=rule)
    i("is_null($body.temp)", False,
      message=msg(content={"contentType": "text/plain", "contentEncoding": "utf-8"}),
      note="an unreadable body is undefined, which is not null")
    i("is_null($twin.tags.nothing)", True)
    i("is_null($twin.tags.building)", False)
    i("NOT is_null($body.name) AND is_null($body.nothing)", True)


# --- twin_change_includes ------------------------------------------------------------------
NOTIFICATION = {
    "version": 7,
    "properties": {
        "desired": {"x": 1, "gone": None, "cfg": {"freq": "5m"}, "$version": 7},
        "reported": {"fw": "1.0"},
    },
    "tags": {"site": "paris"},
}


def twin_change_cases():
    n = iter(range(1, 100))
    src = "TwinChangeEvents"

    def t(q, e, message=None, source=src, **kw):
        case("rs-tci-%02d" % next(n), q, e, message=message or msg(body=NOTIFICATION),
             source=source, **kw)

    t("twin_change_includes(properties.desired.x)", True)
    t("twin_change_includes(properties.desired.gone)", True, note="a JSON null value is included")
    t("twin_change_includes(properties.desired.nope)", False, note="missing -> false")
    t("twin_change_includes(properties.desired.cfg)", True, note="an object is included")
    t("twin_change_includes(properties.desired.cfg.freq)", True)
    t("twin_change_includes(properties.reported.fw)", True)
    t("twin_change_includes(tags.site)", True)
    t("twin_change_includes(tags.floor)", False)
    t("twin_change_includes(properties.desired.x.y)", False)
    t("NOT twin_change_includes(properties.desired.nope)", True)
    t("twin_change_includes(tags.site) OR twin_change_includes(tags.floor)", True)
    t("twin_change_includes(properties.desired.x) AND $body.properties.desired.x = 1", True)
    t("twin_change_includes(properties.desired.x)", "undefined", message=msg(body_text="not json"),
      note="an unreadable body is undefined")
    t("twin_change_includes(properties.desired.x)", "undefined", message=msg(body_text=""))
    t("twin_change_includes(properties.desired.x)", "undefined",
      message=msg(body=NOTIFICATION, content={"contentType": "text/plain",
                                              "contentEncoding": "utf-8"}))
    t("twin_change_includes(properties.desired.x)", True,
      message=msg(body=NOTIFICATION, content={"contentType": "application/json",
                                              "contentEncoding": "utf-16"}))
    t("twin_change_includes(properties.desired.x)", "compile_error", source="DeviceMessages",
      offset=0, length=20, note="only on routes whose source is TwinChangeEvents")
    t("twin_change_includes(properties.desired.x)", "compile_error", source="DeviceLifecycleEvents")
    t("twin_change_includes(properties.desired.x)", "compile_error", source=None,
      note="the default source is DeviceMessages")
    t("twin_change_includes(properties.desired)", "compile_error",
      note="the path must begin with properties.desired. / properties.reported. / tags.")
    t("twin_change_includes(version)", "compile_error")
    t("twin_change_includes()", "compile_error")


# --- Other semantics -------------------------------------------------------------------------
def misc_cases():
    n = iter(range(1, 100))
    m = lambda q, e, **kw: case("rs-misc-%02d" % next(n), q, e, **kw)
    m("", "undefined", note="an empty condition is undefined in eval")
    m("   ", "undefined")
    m("/* only a comment */", "undefined")
    m("3+4 = 7", "compile_error", note="3+4 is one identifier (a string property)", offset=4,
      length=1)
    m("a+b = 'x'", True, message=with_app({"a+b": "x"}), note="a+b is one property name")
    m("temp-1 = 'x'", True, message=with_app({"temp-1": "x"}))
    m("NOT key1 = 'value1'", "compile_error", note="prefix NOT binds tighter than =", offset=0,
      length=3)
    m("NOT (key1 = 'value1')", False)
    m("1 - -2 = 3", True)
    m("TRUE = 'yes'", True, message=with_app({"TRUE": "yes"}),
      note="TRUE (upper case) is a property name")
    m("$sys4 = 'value4'", True)
    m("{$sys4} = 'sysvalue4'", True)
    m("{ $sys1 } = 'sysvalue1'", True)
    m("KEY1 = 'value1' AND $SYS1 = 'sysvalue1'", True)
    m("key1 = 'value1' /* a */ AND /* b */ $sys1 = 'sysvalue1'", True)
    m("key1 = 'value1'\n\tAND\r\n$sys1 = 'sysvalue1'", True)
    m("3 == 3", "compile_error", offset=3, length=1)
    m("key2 = 3", "compile_error", offset=5, length=1)
    m("(2 + 22 = 24", "compile_error", offset=0, length=1)
    m("3 = @ 3", "compile_error", offset=4, length=1)
    m("as_number(\"2\" = 24", "compile_error", offset=18, length=1,
      note="error at the end of the input")
    m("nope(true) = true", "compile_error", offset=0, length=4)
    m("\"2 = 24", "compile_error", offset=0, length=7)
    m("'\u65e5\u672c' = 3", "compile_error", offset=5, length=1,
      note="offsets count code points, not bytes")
    m("$body.temp = '21.5'", False, note="kinds differ: false, not undefined")
    m("$body.temp <> '100'", True)
    m("$body.missing <> '100'", True)
    m("$body.temp < 'abc'", True, note="kind order: number < string")
    m("$body.on > $body.temp", False, note="kind order: bool < number")
    m("$body.on", True)
    m("$body.off", False)
    m("$body.name", "undefined")
    m("$body.nothing", "undefined")
    m("$body.missing AND false", "undefined",
      note="logic on body values is defined only when both are JSON booleans")
    m("$body.on AND NOT $body.off", True)
    m("null", False)
    m("3", "undefined")
    m("$BODY.temp = 21.5 AND $bODy.name = 'sensor-1'", True)
    m("$body.Temp = 21.5", False, note="JSON keys are case-sensitive: missing -> null")
    m("{$body.temp} = 21.5", True, message=with_app({"$body.temp": "99"}))
    m("$body.temp = '99'", True, message=with_app({"$body.temp": "99"}))
    m("$body.temp + $body.zero * 2 = 21.5", True)
    m("$body.temp / 0 = 3 / 0", True)
    m("is_defined($body.temp % 0)", "compile_error", note="% with a body operand does not compile")
    m("'a' || 'b' || key1 = 'abvalue1'", True)
    m("$body.temp = 21.5 AND ($body.name = 'x' OR $body.on)", True)
    m("NOT $body.off", True)
    not_note = ("§3.2: logic on body values is defined only for JSON booleans; NOT of a JSON "
                "null (or missing path) is undefined, unlike the literal `NOT null` (the peer "
                "converts the body value to Bool, which is Bool.Undefined for any non-boolean)")
    m("NOT $body.missing", "undefined", note=not_note)
    m("NOT $body.nothing", "undefined", note=not_note)
    m("NOT $body.name", "undefined", note=not_note)
    m("NOT $body.temp", "undefined", note=not_note)
    m("$body.Welcome!.he = 'x' AND $body.a-b = 1 AND $body.100% = 2 AND $body.it's = 3", True,
      message=msg(body={"Welcome!": {"he": "x"}, "a-b": 1, "100%": 2, "it's": 3}),
      note="path names may hold ! - % ' (only ( ) < > @ , ; : \\ \" / [ ] ? = { } . are excluded)")
    m("key1 = 'line1\nline2'", True, message=with_app({"key1": "line1\nline2"}),
      note="a newline inside a string literal")
    m("0x00000000000000001 = 1", True, note="leading zeros do not count towards the 64 bits")
    m("0xFFFFFFFFFFFFFFFF = -1", True, note="hex literals are signed 64-bit")
    m("is_defined(0x10000000000000000)", False, note="a hex literal beyond 64 bits is undefined")


def main():
    twin_cases()
    shape_cases()
    leftover_cases()
    encoding_cases()
    size_cases()
    array_cases()
    unicode_cases()
    invalid_json_cases()
    json_text_cases()
    builtin_cases()
    is_null_cases()
    twin_change_cases()
    misc_cases()
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "routesim-cases.jsonl")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for c in CASES:
            f.write(json.dumps(c, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    print("wrote %d cases to %s" % (len(CASES), out))


if __name__ == "__main__":
    main()
