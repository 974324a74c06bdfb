// Private to scout_log: the process-wide writer thread of LineBatch (batch.hpp), and the two
// hooks it needs from the backend (log.cpp). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace scout::log::detail {

// The thread is started by the first batch and never stopped (it waits on a condition
// variable between batches): stopping it would mean joining a thread that a stuck log file
// may block forever; drain_batches() with its timeout is what flush and shutdown need.
// Queues a batch of whole lines holding `lines` lines for the writer thread, starting the
// thread when needed. Returns the buffer to reuse (empty, its capacity kept when possible).
// A batch that would take the queue past `max_queued_bytes` is dropped and its lines counted.
std::string submit_batch(std::string batch, std::size_t lines, std::size_t max_queued_bytes);
// Waits (up to `timeout`) until every batch submitted before the call is written.
void drain_batches(std::chrono::milliseconds timeout);
// Lines of batches dropped because the queue was full.
std::uint64_t dropped_batch_lines();

// From log.cpp: writes whole lines to the current backend's sinks; its line format.
void write_batch(std::string_view lines);
bool json_lines();

}  // namespace scout::log::detail
