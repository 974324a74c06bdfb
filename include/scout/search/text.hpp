// Text hygiene for upstream strings (titles, shop names) and the normalised token form used by
// dedupe and suggestions. Search area; pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scout::search {

// Cleans display text from upstream, in this order:
//  1. invalid UTF-8 bytes are removed (overlong forms, surrogates, stray continuation bytes);
//  2. HTML character references are decoded: &amp; &lt; &gt; &quot; &apos; &nbsp; and a few
//     typographic names (&ndash; &mdash; &hellip; &lsquo; &rsquo; &ldquo; &rdquo; &trade;
//     &reg; &copy; &deg; &times;), decimal &#NNN; and hex &#xHH; (a ';' is required; unknown
//     names stay literal; references to U+0000, surrogates or > U+10FFFF are dropped);
//     decoding is a single pass ("&amp;lt;" -> "&lt;");
//  3. mojibake repair: UTF-8 that was decoded as Latin-1 (e.g. "\u00e2\u0080\u0093") is turned
//     back into the intended character ("\u2013") when the run contains a C1 control, which
//     never occurs in genuine text;
//  4. C0/C1 controls and DEL are removed (tab/CR/LF count as white space), as are zero-width
//     space, BOM and noncharacters;
//  5. all Unicode white space collapses to one ASCII space; the result is trimmed.
// The result is valid UTF-8 (possibly empty).
std::string clean_text(std::string_view raw);

// Token form for comparisons: lower-cased (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic,
// full-width Latin), apostrophes removed ("it's" -> "its"), other punctuation and symbols
// (ASCII, Latin-1, General Punctuation, CJK and full-width punctuation) turned into separators,
// white space collapsed to single spaces, trimmed. Idempotent. Invalid UTF-8 bytes are dropped.
// "USB-C Cable, 1M (Black)" -> "usb c cable 1m black".
std::string normalize_title(std::string_view text);

// Splits a normalised string on single spaces (empty input -> no tokens). The views point into
// `normalized`.
std::vector<std::string_view> split_tokens(std::string_view normalized);

}  // namespace scout::search
