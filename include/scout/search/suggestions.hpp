// Query suggestions for searches without results: a bounded word-frequency vocabulary fed with
// the normalised titles Scout has seen, spelling corrections and relaxed queries from it.
// Search area; one Vocabulary per process, thread-safe (shared_mutex: suggest() readers run in
// parallel, add_title() writers are exclusive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace scout::search {

struct VocabularyOptions {
    std::size_t max_words = 50000;        // kept after eviction (the most frequent words)
    std::size_t max_word_bytes = 32;      // longer tokens are not words worth suggesting
    std::size_t max_query_words = 16;     // suggest() looks at no more query words than this
    std::size_t max_corrected_words = 4;  // ...and tries to correct no more than this many
};

// Damerau-Levenshtein distance in its optimal-string-alignment form (insertions, deletions,
// substitutions, transpositions of adjacent characters; no substring edited twice), over code
// points of UTF-8 text. Returns max_distance + 1 as soon as the distance must exceed
// max_distance.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t max_distance);

class Vocabulary {
public:
    explicit Vocabulary(VocabularyOptions options = {});
    Vocabulary(const Vocabulary&) = delete;
    Vocabulary& operator=(const Vocabulary&) = delete;
    Vocabulary(Vocabulary&&) = delete;
    Vocabulary& operator=(Vocabulary&&) = delete;
    ~Vocabulary() = default;

    // Counts each distinct token of a normalize_title() string once (document frequency).
    // Tokens of one code point, without any letter (pure numbers) or longer than
    // max_word_bytes are ignored. When the vocabulary outgrows max_words by an eighth, the
    // rarest words are evicted down to max_words (ties: the least recently seen first, so new
    // words get a chance to grow).
    void add_title(std::string_view normalized_title);

    [[nodiscard]] std::uint64_t frequency(std::string_view word) const;
    [[nodiscard]] std::size_t size() const;

    // Alternatives for a query (normalised again with normalize_title, so raw text works):
    //  1. corrections: each query word (up to max_corrected_words of them) that is not in the
    //     vocabulary, has no digit and is at least 3 code points long, is replaced by its closest
    //     vocabulary words (distance
    //     <= 1 for words of up to 4 code points, <= 2 for longer ones; closer first, then more
    //     frequent, then alphabetical). The first suggestion uses the best replacement for every
    //     such word; the next ones vary one word at a time.
    //  2. relaxations (queries of 2+ words): the corrected query (or the query itself when
    //     nothing was corrected) minus one word, dropping the least informative word first:
    //     unknown words, then the most frequent, then the shortest. A relaxation must still
    //     contain a vocabulary word.
    // No duplicates, never the query itself, at most `max` entries.
    [[nodiscard]] std::vector<std::string> suggest(std::string_view query, std::size_t max = 5)
        const;

private:
    struct Entry {
        std::uint64_t count = 0;
        std::uint64_t last_seen = 0;   // add_title() sequence number
        std::uint64_t characters = 0;  // character-set bitmask, a cheap distance lower bound
        std::uint32_t code_points = 0;
        bool ascii = true;
    };

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };

    // Contiguous copy of what the candidate scan needs, bucketed by length in code points, so
    // suggest() streams through the few buckets within the distance bound instead of chasing
    // hash-map nodes. Points into words_ (node addresses are stable across rehashing).
    struct ScanRecord {
        std::uint64_t characters;
        const std::string* word;
        const Entry* entry;
        bool ascii;
    };

    void evict_locked();
    void index_locked(const std::string& word, const Entry& entry);

    VocabularyOptions options_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> words_;
    std::vector<std::vector<ScanRecord>> scan_by_length_;
    std::uint64_t titles_added_ = 0;
};

}  // namespace scout::search
