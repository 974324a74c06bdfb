#include <scout/monitoring/request_journal.hpp>

#include <algorithm>

namespace scout::monitoring {

RequestJournal::RequestJournal(std::chrono::milliseconds slow_threshold)
    : slow_ms_(slow_threshold.count()) {}

void RequestJournal::record(const RequestRecord& record, bool slow) noexcept {
    Shard& shard = shards_[detail::this_shard()];
    const std::lock_guard lock(shard.mutex);
    shard.recent.push(record);
    if (slow) {
        shard.slow.push(record);
    }
}

template <class Pick>
std::vector<RequestRecord> RequestJournal::collect(std::size_t limit, Pick pick) const {
    std::vector<RequestRecord> out;
    for (const Shard& shard : shards_) {
        const std::lock_guard lock(shard.mutex);
        const auto& ring = pick(shard);
        out.insert(out.end(), ring.records.begin(), ring.records.begin() + ring.size);
    }
    std::sort(out.begin(), out.end(), [](const RequestRecord& a, const RequestRecord& b) {
        return a.unix_ms > b.unix_ms;
    });
    out.resize(std::min(out.size(), limit));
    return out;
}

std::vector<RequestRecord> RequestJournal::recent(std::size_t limit) const {
    return collect(
        limit, [](const Shard& shard) -> const auto& { return shard.recent; }
    );
}

std::vector<RequestRecord> RequestJournal::slow(std::size_t limit) const {
    return collect(
        limit, [](const Shard& shard) -> const auto& { return shard.slow; }
    );
}

}  // namespace scout::monitoring
