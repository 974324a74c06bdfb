// Corpus replay: feeds every file under the given files or directories to the fuzz target
// once, so any compiler (GCC in CI) runs the checked-in corpus as an ordinary test. A crash
// or sanitizer report fails the test; the file being replayed is printed first.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs(const std::filesystem::path& root) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_regular_file(root)) {
        files.push_back(root);
        return files;
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) {
            files.push_back(entry.path());
        }
    }
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        for (const auto& file : inputs(argv[i])) {
            std::cerr << "replay " << file.string() << '\n';
            std::ifstream in(file, std::ios::binary);
            const std::string bytes{std::istreambuf_iterator<char>(in), {}};
            // A heap copy of exactly `size` bytes, as libFuzzer passes it, so ASan sees overreads.
            const std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
            LLVMFuzzerTestOneInput(data.data(), data.size());
            ++replayed;
        }
    }
    std::cerr << "replayed " << replayed << " inputs\n";
    // An empty corpus means a wrong path, not a pass.
    return replayed > 0 ? 0 : 1;
}
