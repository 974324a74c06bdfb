#include <scout/search/suggestions.hpp>
#include <scout/search/text.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace scout::search {
namespace {

struct DistanceCase {
    std::string a;
    std::string b;
    std::size_t max;
    std::size_t expected;
};

class EditDistance : public ::testing::TestWithParam<DistanceCase> {};

TEST_P(EditDistance, IsBoundedOptimalStringAlignment) {
    const DistanceCase& c = GetParam();
    EXPECT_EQ(edit_distance(c.a, c.b, c.max), c.expected) << c.a << " / " << c.b;
    EXPECT_EQ(edit_distance(c.b, c.a, c.max), c.expected) << "symmetric";
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    EditDistance,
    ::testing::Values(
        DistanceCase{"cable", "cable", 2, 0},
        DistanceCase{"cable", "cabel", 2, 1},   // transposition
        DistanceCase{"cable", "cabl", 2, 1},    // deletion
        DistanceCase{"cable", "cables", 2, 1},  // insertion
        DistanceCase{"cable", "table", 2, 1},   // substitution
        DistanceCase{"wireles", "wireless", 2, 1},
        DistanceCase{"headphnes", "headphones", 2, 1},
        DistanceCase{"ca", "abc", 3, 3},  // OSA (true Damerau would give 2)
        DistanceCase{"kitten", "sitting", 5, 3},
        DistanceCase{"kitten", "sitting", 2, 3},  // bound exceeded: max + 1
        DistanceCase{"a", "abcdef", 1, 2},        // length gap alone exceeds the bound
        DistanceCase{"", "abc", 5, 3},
        DistanceCase{"", "", 1, 0},
        DistanceCase{
            "\u043d\u0430\u0443\u0448\u043d\u0438\u043a\u0438",
            "\u043d\u0430\u0443\u0448\u043d\u0438\u043a",
            2,
            1},
        DistanceCase{"caf\u00e9", "cafe", 2, 1},  // one code point, not two bytes
        DistanceCase{"abcdefgh", "hgfedcba", 2, 3}
    )
);

TEST(EditDistance, EarlyExitNeverUnderestimates) {
    // Transpositions reach two rows back: the early exit must not cut them off.
    EXPECT_EQ(edit_distance("abxba", "baxab", 2), 2u);
    EXPECT_EQ(edit_distance("ab", "ba", 1), 1u);
    EXPECT_EQ(edit_distance("abcd", "badc", 2), 2u);
}

void fill(Vocabulary& vocabulary) {
    const std::vector<std::string> titles{
        "Wireless Headphones Bluetooth 5.3 Earbuds",
        "Wireless Charger 15W Fast",
        "Wireless Mouse Silent",
        "USB C Cable Fast Charging",
        "USB Cable 2m",
        "Phone Case for iPhone 13",
        "Headphones Stand Holder",
        "Cable Organizer",
        "Cable Clips",
        "Table Lamp",
    };
    for (const std::string& title : titles) {
        vocabulary.add_title(normalize_title(title));
    }
}

TEST(Vocabulary, CountsDocumentFrequency) {
    Vocabulary vocabulary;
    vocabulary.add_title("usb cable usb");  // counted once per title
    vocabulary.add_title("usb hub");
    EXPECT_EQ(vocabulary.frequency("usb"), 2u);
    EXPECT_EQ(vocabulary.frequency("cable"), 1u);
    EXPECT_EQ(vocabulary.frequency("missing"), 0u);
}

TEST(Vocabulary, IgnoresNumbersSingleCharactersAndLongTokens) {
    Vocabulary vocabulary;
    vocabulary.add_title("c 2024 128gb " + std::string(40, 'x') + " \u00e9t\u00e9");
    EXPECT_EQ(vocabulary.frequency("c"), 0u);
    EXPECT_EQ(vocabulary.frequency("2024"), 0u);
    EXPECT_EQ(vocabulary.frequency("128gb"), 1u);
    EXPECT_EQ(vocabulary.frequency(std::string(40, 'x')), 0u);
    EXPECT_EQ(vocabulary.frequency("\u00e9t\u00e9"), 1u);
    EXPECT_EQ(vocabulary.size(), 2u);
}

TEST(Vocabulary, EvictsTheRarestWordsWhenFull) {
    Vocabulary vocabulary(VocabularyOptions{.max_words = 8});
    for (int i = 0; i < 5; ++i) {
        vocabulary.add_title("common frequent");
    }
    for (char c = 'a'; c <= 'z'; ++c) {
        vocabulary.add_title(std::string("rare") + c);
    }
    EXPECT_LE(vocabulary.size(), 9u);  // max_words + slack (8 / 8 = 1)
    EXPECT_EQ(vocabulary.frequency("common"), 5u);
    EXPECT_EQ(vocabulary.frequency("frequent"), 5u);
    EXPECT_EQ(vocabulary.frequency("rarea"), 0u);  // rare and least recently seen: evicted
    EXPECT_EQ(vocabulary.frequency("rarez"), 1u);  // rare but the newest: still there
}

struct SuggestCase {
    std::string name;
    std::string query;
    std::size_t max;
    std::vector<std::string> expected;
};

class Suggest : public ::testing::TestWithParam<SuggestCase> {};

TEST_P(Suggest, OffersCorrectionsThenRelaxations) {
    Vocabulary vocabulary;
    fill(vocabulary);
    EXPECT_EQ(vocabulary.suggest(GetParam().query, GetParam().max), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    Suggest,
    ::testing::Values(
        SuggestCase{
            "one_typo", "wireles headphnes", 5, {"wireless headphones", "headphones", "wireless"}},
        SuggestCase{"raw_text_is_normalised", "  Wireles  HEADPHNES!", 1, {"wireless headphones"}},
        // "cabel": distance 1 to "cable"; "case" and "table" are at distance 2 (equally
        // frequent: alphabetical)
        SuggestCase{"closest_first", "cabel", 5, {"cable", "case", "table"}},
        // "usb cable" is a known query: only relaxations, the most frequent word first
        SuggestCase{"relax_known_query", "usb cable", 5, {"usb", "cable"}},
        // "zzzzzz" has no correction: dropping it comes first, relaxations keep a known word
        SuggestCase{
            "drop_unknown_first",
            "wireless zzzzzz mouse",
            5,
            {"wireless mouse", "zzzzzz mouse", "wireless zzzzzz"}},
        SuggestCase{"short_words_distance_one", "csae", 5, {"case"}},
        SuggestCase{"digits_not_corrected", "iphone 14", 5, {"iphone"}},
        SuggestCase{"max_respected", "wireles headphnes", 2, {"wireless headphones", "headphones"}},
        SuggestCase{"max_zero", "wireles", 0, {}},
        SuggestCase{"empty_query", "  ", 5, {}},
        SuggestCase{"single_known_word", "cable", 5, {}},
        SuggestCase{"nothing_close", "xylophone", 5, {}},
        SuggestCase{"two_letter_words_left_alone", "ub", 5, {}}
    ),
    [](const auto& param_info) { return param_info.param.name; }
);

TEST(Suggest, CorrectsAtMostTheConfiguredNumberOfWords) {
    Vocabulary vocabulary(VocabularyOptions{.max_corrected_words = 1});
    fill(vocabulary);
    // Only "wireles" is looked at; "headphnes" stays as typed.
    EXPECT_EQ(
        vocabulary.suggest("wireles headphnes", 1), (std::vector<std::string>{"wireless headphnes"})
    );
}

TEST(Suggest, FindsWordsAgainAfterEviction) {
    Vocabulary vocabulary(VocabularyOptions{.max_words = 16});
    for (int i = 0; i < 3; ++i) {
        vocabulary.add_title("bluetooth speaker");
    }
    for (int i = 0; i < 100; ++i) {
        vocabulary.add_title("filler" + std::to_string(i) + "word");
    }
    EXPECT_EQ(vocabulary.frequency("bluetooth"), 3u);
    EXPECT_EQ(
        vocabulary.suggest("bluetoth speakr", 1), (std::vector<std::string>{"bluetooth speaker"})
    );
}

TEST(Suggest, NeverReturnsTheQueryOrDuplicates) {
    Vocabulary vocabulary;
    fill(vocabulary);
    for (const std::string query :
         {"usb cable", "wireless wireless", "cable cable cable", "fast fast"}) {
        const auto suggestions = vocabulary.suggest(query, 10);
        auto sorted = suggestions;
        std::sort(sorted.begin(), sorted.end());
        EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << query;
        EXPECT_EQ(
            std::find(suggestions.begin(), suggestions.end(), normalize_title(query)),
            suggestions.end()
        );
    }
}

TEST(Suggest, ConcurrentReadersAndWriters) {
    Vocabulary vocabulary(VocabularyOptions{.max_words = 64});
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&vocabulary, t] {
            for (int i = 0; i < 300; ++i) {
                vocabulary.add_title(
                    "wireless headphones model" + std::to_string(t) + "x" + std::to_string(i)
                );
            }
        });
        threads.emplace_back([&vocabulary] {
            for (int i = 0; i < 300; ++i) {
                (void)vocabulary.suggest("wireles headphnes", 5);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_LE(vocabulary.size(), 72u);
    EXPECT_EQ(vocabulary.frequency("wireless"), 600u);
    EXPECT_EQ(vocabulary.suggest("wireles", 1), (std::vector<std::string>{"wireless"}));
}

}  // namespace
}  // namespace scout::search
