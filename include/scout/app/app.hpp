// The composition root: owns the live configuration, the HTTP server with its routes and
// middleware, and the process life cycle (signals, drain, reload). One per process; run()
// blocks the calling thread until shutdown.
#pragma once

#include <scout/config/config.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace scout::app {

class App {
public:
    // `load_options` is kept to re-read the same layers on SIGHUP; `config_files` (the files
    // `initial` was read from) goes into the first log line.
    App(config::LoadOptions load_options,
        config::Config initial,
        const std::vector<std::string>& config_files = {});
    App(const App&) = delete;
    App& operator=(const App&) = delete;
    App(App&&) = delete;
    App& operator=(App&&) = delete;
    ~App();

    // Starts the workers, serves until SIGTERM/SIGINT, drains, and returns the exit status.
    int run();

    // The live configuration (thread-safe snapshot).
    [[nodiscard]] std::shared_ptr<const config::Config> config() const { return config_.load(); }

private:
    // SIGHUP: apply_reload(), logging any failure; the running configuration stays.
    void reload() noexcept;
    void apply_reload();
    // Runs after every successful reload with the new configuration: how a component built
    // once takes a reloadable setting (docs/extending.md).
    void on_reload(std::function<void(const config::Config&)> listener);

    config::LoadOptions load_options_;
    std::vector<std::function<void(const config::Config&)>> reload_listeners_;
    std::atomic<std::shared_ptr<const config::Config>> config_;
};

}  // namespace scout::app
