#include <scout/cache/redis_sentinel.hpp>

#include "support/run_co.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace scout::cache {
namespace {

using boost::system::error_code;
using boost::system::result;
using Type = RedisReply::Type;

RedisReply bulk(std::string text) {
    return RedisReply{.type = Type::kString, .str = std::move(text)};
}

RedisReply array(std::vector<RedisReply> elements) {
    return RedisReply{.type = Type::kArray, .elements = std::move(elements)};
}

RedisReply error_reply(std::string text) {
    return RedisReply{.type = Type::kError, .str = std::move(text)};
}

// ---- addresses and replies -------------------------------------------------------------------

TEST(RedisAddress, ParsesHostPortWithNamesIpv4AndBracketedIpv6) {
    EXPECT_EQ(parse_redis_address("127.0.0.1:26379"), (RedisAddress{"127.0.0.1", 26379}));
    EXPECT_EQ(
        parse_redis_address("sentinel-0.redis.svc:5000"),
        (RedisAddress{"sentinel-0.redis.svc", 5000})
    );
    const auto v6 = parse_redis_address("[::1]:26380");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->display(), "[::1]:26380");
}

TEST(RedisAddress, RejectsAMissingOrBadPortAndAnythingButHostAndPort) {
    for (const char* bad :
         {"",
          "127.0.0.1",
          "[::1]",
          "host:",
          "host:0",
          "host:65536",
          "host:x",
          ":26379",
          "user@host:26379",
          "host:26379/0",
          "redis://host:26379",
          "ho st:1",
          "::1:26379"}) {
        EXPECT_FALSE(parse_redis_address(bad)) << bad;
    }
}

TEST(SentinelReplies, MasterAddressIsAnIpAndPortPair) {
    const auto master = map_master_addr_reply(array({bulk("10.0.0.5"), bulk("6380")}));
    ASSERT_TRUE(master);
    EXPECT_EQ(*master, (RedisAddress{"10.0.0.5", 6380}));
}

TEST(SentinelReplies, UnknownMasterErrorsAndOddShapesAreErrors) {
    // nil: this sentinel monitors no master of that name (a configuration mistake).
    EXPECT_EQ(map_master_addr_reply(RedisReply{}).error(), cache_errc::kStoreError);
    EXPECT_EQ(
        map_master_addr_reply(error_reply("ERR unknown command")).error(), cache_errc::kStoreError
    );
    for (const RedisReply& odd :
         {array({bulk("10.0.0.5")}),
          array({bulk("10.0.0.5"), bulk("0")}),
          array({bulk("10.0.0.5"), bulk("70000")}),
          array({bulk("10.0.0.5"), bulk("63x")}),
          array({bulk(""), bulk("6379")}),
          bulk("10.0.0.5:6379")}) {
        EXPECT_EQ(map_master_addr_reply(odd).error(), cache_errc::kProtocol);
    }
}

TEST(SentinelReplies, RoleTellsAMasterFromAReplicaOrASentinel) {
    const RedisReply integer{.type = Type::kInteger, .integer = 0};
    EXPECT_EQ(map_role_is_master(array({bulk("master"), integer, array({})})).value(), true);
    EXPECT_EQ(map_role_is_master(array({bulk("slave"), bulk("10.0.0.5")})).value(), false);
    EXPECT_EQ(map_role_is_master(array({bulk("sentinel"), array({})})).value(), false);
    EXPECT_EQ(map_role_is_master(error_reply("NOPERM")).error(), cache_errc::kStoreError);
    EXPECT_EQ(map_role_is_master(array({})).error(), cache_errc::kProtocol);
    EXPECT_EQ(map_role_is_master(bulk("master")).error(), cache_errc::kProtocol);
}

TEST(SentinelReplies, ReadonlyIsTheErrorOfAWriteOnAReplica) {
    EXPECT_TRUE(
        is_readonly_reply(error_reply("READONLY You can't write against a read only replica."))
    );
    EXPECT_FALSE(is_readonly_reply(error_reply("ERR wrong number of arguments")));
    EXPECT_FALSE(is_readonly_reply(bulk("READONLY")));
}

// ---- discovery over in-memory sentinels -----------------------------------------------------

// Sentinels in memory: each answers with the master it names, or fails like a dead one.
class FakeSentinels {
public:
    void names(const std::string& sentinel, RedisAddress master) {
        answers_[sentinel] = std::move(master);
    }
    void dies(const std::string& sentinel) {
        answers_[sentinel] = error_code(cache_errc::kTimeout);
    }

    awaitable<result<RedisAddress>> ask(RedisAddress sentinel) {
        asked.push_back(sentinel.display());
        const auto it = answers_.find(sentinel.display());
        if (it == answers_.end()) {
            co_return error_code(cache_errc::kUnavailable);  // connection refused
        }
        co_return it->second;
    }

    SentinelList::Ask asker() {
        return [this](RedisAddress sentinel) { return ask(std::move(sentinel)); };
    }

    std::vector<std::string> asked;

private:
    std::map<std::string, result<RedisAddress>> answers_;
};

const RedisAddress kMaster{"10.0.0.1", 6379};
const RedisAddress kReplica{"10.0.0.2", 6379};

TEST(SentinelList, AsksInTurnUntilOneAnswersThenAsksThatOneFirst) {
    asio::io_context io;
    FakeSentinels fake;
    fake.dies("s1:26379");
    fake.names("s3:26379", kMaster);
    SentinelList list({"s1:26379", "s2:26379", "s3:26379"});

    EXPECT_EQ(test::run_co(io, list.find_master(fake.asker())).value(), kMaster);
    EXPECT_EQ(fake.asked, (std::vector<std::string>{"s1:26379", "s2:26379", "s3:26379"}));

    fake.asked.clear();
    EXPECT_EQ(test::run_co(io, list.find_master(fake.asker())).value(), kMaster);
    EXPECT_EQ(fake.asked, std::vector<std::string>{"s3:26379"}) << "the one that answered first";
    EXPECT_EQ(list.order()[1].host, "s1");
    EXPECT_EQ(list.order()[2].host, "s2");
}

TEST(SentinelList, NoAnswerIsUnavailableAndSaysWhatTheLastSentinelDid) {
    asio::io_context io;
    FakeSentinels fake;
    fake.dies("s2:26379");
    SentinelList list({"s1:26379", "s2:26379"});
    std::string why;
    const auto master = test::run_co(io, list.find_master(fake.asker(), &why));
    EXPECT_EQ(master.error(), cache_errc::kUnavailable);
    EXPECT_EQ(fake.asked.size(), 2U);
    EXPECT_EQ(why.rfind("s2:26379: ", 0), 0U) << why;
}

TEST(SentinelList, ASentinelNamingNoMasterIsSkippedLikeADeadOne) {
    asio::io_context io;
    FakeSentinels fake;
    fake.names("s2:26379", kMaster);
    SentinelList list({"s1:26379", "s2:26379"});
    // s1 is not in the fake at all: refused.
    EXPECT_EQ(test::run_co(io, list.find_master(fake.asker())).value(), kMaster);
}

TEST(SentinelList, AskingAgainAfterAFailoverGivesThePromotedReplica) {
    asio::io_context io;
    FakeSentinels fake;
    fake.names("s1:26379", kMaster);
    fake.names("s2:26379", kMaster);
    SentinelList list({"s1:26379", "s2:26379"});
    ASSERT_EQ(test::run_co(io, list.find_master(fake.asker())).value(), kMaster);

    // The client re-asks when its connection fails or a write answers READONLY.
    fake.dies("s1:26379");
    fake.names("s2:26379", kReplica);
    EXPECT_EQ(test::run_co(io, list.find_master(fake.asker())).value(), kReplica);
}

TEST(SentinelList, RejectsAnEntryThatIsNotHostAndPort) {
    EXPECT_THROW(SentinelList({"s1:26379", "s2"}), std::invalid_argument);
}

// ---- the client's options ---------------------------------------------------------------------

TEST(RedisClientSentinelOptions, NeedAMasterNameAndValidSentinels) {
    asio::io_context io;
    RedisOptions options;
    options.sentinels = {"127.0.0.1:26379"};
    EXPECT_THROW(RedisClient(io, options), std::invalid_argument) << "no master_name";
    options.master_name = "mymaster";
    options.sentinels.emplace_back("not an address");
    EXPECT_THROW(RedisClient(io, options), std::invalid_argument);
    options.sentinels.pop_back();
    const RedisClient client(io, options);
    EXPECT_EQ(client.master(), "") << "no master until Sentinel names one";
    EXPECT_EQ(client.stats().master_switches_total, 0U);
}

TEST(RedisClientSentinelOptions, WithoutSentinelsTheMasterIsTheUrlsHost) {
    asio::io_context io;
    RedisOptions options;
    options.url = "redis://cache.internal:6390/2";
    const RedisClient client(io, options);
    EXPECT_EQ(client.master(), "cache.internal:6390");
}

}  // namespace
}  // namespace scout::cache
