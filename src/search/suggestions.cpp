#include <scout/search/suggestions.hpp>
#include <scout/search/text.hpp>

#include "utf8.hpp"

#include <algorithm>
#include <bit>
#include <mutex>
#include <unordered_set>

namespace scout::search {
namespace {

constexpr std::size_t kCandidatesPerWord = 3;
constexpr std::size_t kMinCorrectableCodePoints = 3;
constexpr std::size_t kShortWordCodePoints = 4;  // up to this: distance <= 1, else <= 2

std::u32string to_code_points(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const auto decoded = detail::decode_utf8(text, pos);
        out.push_back(decoded.valid ? decoded.code_point : U'\uFFFD');
        pos += decoded.length;
    }
    return out;
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80;
    });
}

bool has_digit(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_digits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Reusable rows for the bounded optimal-string-alignment distance.
class EditDistance {
public:
    template <typename Char>
    std::size_t operator()(
        std::basic_string_view<Char> a, std::basic_string_view<Char> b, std::size_t max
    ) {
        const std::size_t n = a.size();
        const std::size_t m = b.size();
        if ((n > m ? n - m : m - n) > max) {
            return max + 1;
        }
        if (n == 0 || m == 0) {
            return std::max(n, m);
        }
        older_.assign(m + 1, 0);
        previous_.resize(m + 1);
        current_.resize(m + 1);
        for (std::size_t j = 0; j <= m; ++j) {
            previous_[j] = j;
        }
        std::size_t previous_min = 0;
        for (std::size_t i = 1; i <= n; ++i) {
            current_[0] = i;
            std::size_t row_min = i;
            for (std::size_t j = 1; j <= m; ++j) {
                const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
                std::size_t value =
                    std::min({previous_[j] + 1, current_[j - 1] + 1, previous_[j - 1] + cost});
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                    value = std::min(value, older_[j - 2] + 1);
                }
                current_[j] = value;
                row_min = std::min(row_min, value);
            }
            // Later rows are >= min(this row, previous row + 1) (transpositions reach back two
            // rows), so once both exceed the bound nothing can come back under it.
            if (row_min > max && previous_min + 1 > max) {
                return max + 1;
            }
            previous_min = row_min;
            std::swap(older_, previous_);
            std::swap(previous_, current_);
        }
        return std::min(previous_[m], max + 1);
    }

private:
    std::vector<std::size_t> older_;
    std::vector<std::size_t> previous_;
    std::vector<std::size_t> current_;
};

// Bitmask of the characters of a word: a-z, 0-9 and the rest hashed into the remaining bits.
// A character in `a` whose bit is missing from `b` needs its own edit, so the number of such bits
// (either way) is a lower bound of the edit distance. Two popcounts skip most of the vocabulary.
std::uint64_t character_mask(std::string_view word) {
    std::uint64_t mask = 0;
    for (std::size_t pos = 0; pos < word.size();) {
        const auto decoded = detail::decode_utf8(word, pos);
        pos += decoded.length;
        const char32_t cp = decoded.code_point;
        unsigned bit = 0;
        if (cp >= U'a' && cp <= U'z') {
            bit = static_cast<unsigned>(cp - U'a');
        } else if (cp >= U'0' && cp <= U'9') {
            bit = 26 + static_cast<unsigned>(cp - U'0');
        } else {
            bit = 36 + static_cast<unsigned>(cp % 28);
        }
        mask |= std::uint64_t{1} << bit;
    }
    return mask;
}

bool mask_allows(std::uint64_t a, std::uint64_t b, std::size_t max_distance) {
    return static_cast<std::size_t>(std::popcount(a & ~b)) <= max_distance &&
           static_cast<std::size_t>(std::popcount(b & ~a)) <= max_distance;
}

struct Candidate {
    std::size_t distance;
    std::uint64_t count;
    std::string_view word;  // points into the vocabulary (valid under the lock only)
};

bool better_candidate(const Candidate& a, const Candidate& b) {
    if (a.distance != b.distance) {
        return a.distance < b.distance;
    }
    if (a.count != b.count) {
        return a.count > b.count;
    }
    return a.word < b.word;
}

struct QueryWord {
    std::string text;
    std::uint64_t count = 0;  // 0: not in the vocabulary
    std::size_t code_points = 0;
    std::vector<std::pair<std::string, std::uint64_t>> corrections;  // best first
};

std::string join(const std::vector<std::string_view>& words) {
    std::string out;
    for (const std::string_view word : words) {
        if (!out.empty()) {
            out.push_back(' ');
        }
        out += word;
    }
    return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t max_distance) {
    EditDistance distance;
    if (is_ascii(a) && is_ascii(b)) {
        return distance(a, b, max_distance);
    }
    const std::u32string ca = to_code_points(a);
    const std::u32string cb = to_code_points(b);
    return distance(std::u32string_view(ca), std::u32string_view(cb), max_distance);
}

Vocabulary::Vocabulary(VocabularyOptions options) : options_(options) {}

void Vocabulary::add_title(std::string_view normalized_title) {
    std::vector<std::string_view> tokens = split_tokens(normalized_title);
    std::erase_if(tokens, [&](std::string_view token) {
        return token.size() > options_.max_word_bytes || all_digits(token) ||
               detail::code_point_count(token) < 2;
    });
    if (tokens.empty()) {
        return;
    }
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());

    const std::unique_lock lock(mutex_);
    const std::uint64_t now = ++titles_added_;
    for (const std::string_view token : tokens) {
        const auto it = words_.find(token);
        if (it != words_.end()) {
            ++it->second.count;
            it->second.last_seen = now;
        } else {
            const auto inserted =
                words_
                    .emplace(
                        std::string(token),
                        Entry{
                            1,
                            now,
                            character_mask(token),
                            static_cast<std::uint32_t>(detail::code_point_count(token)),
                            is_ascii(token),
                        }
                    )
                    .first;
            index_locked(inserted->first, inserted->second);
        }
    }
    const std::size_t slack = std::max<std::size_t>(1, options_.max_words / 8);
    if (words_.size() > options_.max_words + slack) {
        evict_locked();
    }
}

void Vocabulary::evict_locked() {
    struct Ranked {
        std::uint64_t count;
        std::uint64_t last_seen;
        const std::string* word;
    };
    std::vector<Ranked> ranked;
    ranked.reserve(words_.size());
    for (const auto& [word, entry] : words_) {
        ranked.push_back({entry.count, entry.last_seen, &word});
    }
    const auto more_valuable = [](const Ranked& a, const Ranked& b) {
        if (a.count != b.count) {
            return a.count > b.count;
        }
        if (a.last_seen != b.last_seen) {
            return a.last_seen > b.last_seen;
        }
        return *a.word < *b.word;
    };
    const std::size_t keep = std::min(options_.max_words, ranked.size());
    std::nth_element(
        ranked.begin(),
        ranked.begin() + static_cast<std::ptrdiff_t>(keep),
        ranked.end(),
        more_valuable
    );
    std::vector<std::string> evicted;
    evicted.reserve(ranked.size() - keep);
    for (std::size_t i = keep; i < ranked.size(); ++i) {
        evicted.push_back(*ranked[i].word);
    }
    for (const std::string& word : evicted) {
        words_.erase(word);
    }
    for (auto& bucket : scan_by_length_) {
        bucket.clear();
    }
    for (const auto& [word, entry] : words_) {
        index_locked(word, entry);
    }
}

void Vocabulary::index_locked(const std::string& word, const Entry& entry) {
    if (scan_by_length_.size() <= entry.code_points) {
        scan_by_length_.resize(entry.code_points + 1);
    }
    scan_by_length_[entry.code_points].push_back({entry.characters, &word, &entry, entry.ascii});
}

std::uint64_t Vocabulary::frequency(std::string_view word) const {
    const std::shared_lock lock(mutex_);
    const auto it = words_.find(word);
    return it != words_.end() ? it->second.count : 0;
}

std::size_t Vocabulary::size() const {
    const std::shared_lock lock(mutex_);
    return words_.size();
}

std::vector<std::string> Vocabulary::suggest(std::string_view query, std::size_t max) const {
    std::vector<std::string> out;
    if (max == 0) {
        return out;
    }
    const std::string normalized = normalize_title(query);
    std::vector<std::string_view> tokens = split_tokens(normalized);
    if (tokens.size() > options_.max_query_words) {
        tokens.resize(options_.max_query_words);
    }
    if (tokens.empty()) {
        return out;
    }

    std::vector<QueryWord> words;
    words.reserve(tokens.size());
    {
        const std::shared_lock lock(mutex_);
        EditDistance distance;
        std::size_t corrected_words = 0;
        std::u32string query_cps;
        std::u32string word_cps;
        for (const std::string_view token : tokens) {
            QueryWord word;
            word.text = std::string(token);
            word.code_points = detail::code_point_count(token);
            if (const auto it = words_.find(token); it != words_.end()) {
                word.count = it->second.count;
                words.push_back(std::move(word));
                continue;
            }
            if (word.code_points < kMinCorrectableCodePoints || has_digit(token) ||
                corrected_words == options_.max_corrected_words) {
                words.push_back(std::move(word));
                continue;
            }
            ++corrected_words;
            const std::size_t max_distance = word.code_points <= kShortWordCodePoints ? 1 : 2;
            const bool token_ascii = is_ascii(token);
            query_cps = to_code_points(token);
            const std::uint64_t query_mask = character_mask(token);
            std::vector<Candidate> candidates;
            const std::size_t shortest =
                word.code_points > max_distance ? word.code_points - max_distance : 0;
            const std::size_t longest =
                std::min(word.code_points + max_distance + 1, scan_by_length_.size());
            for (std::size_t length = shortest; length < longest; ++length) {
                for (const ScanRecord& record : scan_by_length_[length]) {
                    if (!mask_allows(query_mask, record.characters, max_distance)) {
                        continue;
                    }
                    const std::string_view vocabulary_word = *record.word;
                    std::size_t d = 0;
                    if (token_ascii && record.ascii) {
                        d = distance(token, vocabulary_word, max_distance);
                    } else {
                        word_cps = to_code_points(vocabulary_word);
                        d = distance(
                            std::u32string_view(query_cps),
                            std::u32string_view(word_cps),
                            max_distance
                        );
                    }
                    if (d <= max_distance) {
                        candidates.push_back({d, record.entry->count, vocabulary_word});
                    }
                }
            }
            const std::size_t keep = std::min(kCandidatesPerWord, candidates.size());
            std::partial_sort(
                candidates.begin(),
                candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                candidates.end(),
                better_candidate
            );
            for (std::size_t i = 0; i < keep; ++i) {
                word.corrections.emplace_back(std::string(candidates[i].word), candidates[i].count);
            }
            words.push_back(std::move(word));
        }
    }

    std::unordered_set<std::string> seen{join(tokens)};
    const auto push = [&](std::string suggestion) {
        if (out.size() < max && seen.insert(suggestion).second) {
            out.push_back(std::move(suggestion));
        }
    };

    // 1. Corrections.
    std::vector<std::string_view> best(tokens.begin(), tokens.end());
    std::vector<std::uint64_t> best_counts(words.size());
    bool corrected = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        best_counts[i] = words[i].count;
        if (!words[i].corrections.empty()) {
            best[i] = words[i].corrections.front().first;
            best_counts[i] = words[i].corrections.front().second;
            corrected = true;
        }
    }
    if (corrected) {
        push(join(best));
        for (std::size_t i = 0; i < words.size(); ++i) {
            for (std::size_t k = 1; k < words[i].corrections.size(); ++k) {
                std::vector<std::string_view> variant = best;
                variant[i] = words[i].corrections[k].first;
                push(join(variant));
            }
        }
    }

    // 2. Relaxations of the corrected (or original) query.
    if (best.size() >= 2) {
        std::vector<std::size_t> order(best.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
        }
        const auto code_points = [&](std::size_t i) { return detail::code_point_count(best[i]); };
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const bool known_a = best_counts[a] > 0;
            const bool known_b = best_counts[b] > 0;
            if (known_a != known_b) {
                return !known_a;  // unknown words go first
            }
            if (best_counts[a] != best_counts[b]) {
                return best_counts[a] > best_counts[b];
            }
            return code_points(a) < code_points(b);
        });
        for (const std::size_t drop : order) {
            std::vector<std::string_view> relaxed;
            bool has_known = false;
            for (std::size_t i = 0; i < best.size(); ++i) {
                if (i != drop) {
                    relaxed.push_back(best[i]);
                    has_known = has_known || best_counts[i] > 0;
                }
            }
            if (has_known) {
                push(join(relaxed));
            }
        }
    }
    return out;
}

}  // namespace scout::search
