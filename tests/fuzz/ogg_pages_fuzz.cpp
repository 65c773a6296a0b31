// libFuzzer target: the Ogg page reader of the Icecast baseline (tests/bench/tools/ogg_pages),
// our own Ogg parsing: it reads whatever an Icecast server sends. The input is fed in pieces
// whose sizes come from its first byte, as network reads would cut it.
#include "tests/bench/tools/ogg_pages.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::size_t piece = 1 + data[0] % 97;
    std::span<const std::uint8_t> rest(data + 1, size - 1);
    tolk::bench::ogg_page_reader whole, pieces;
    std::size_t whole_pages = 0, piece_pages = 0;
    whole.feed(rest, [&](std::int64_t, std::uint8_t, std::span<const std::uint8_t> page) {
        if (page.size() < 27)
            std::abort();  // a page is at least its header
        ++whole_pages;
    });
    while (!rest.empty()) {
        const std::size_t n = std::min(piece, rest.size());
        pieces.feed(rest.first(n), [&](std::int64_t, std::uint8_t, std::span<const std::uint8_t>) { ++piece_pages; });
        rest = rest.subspan(n);
    }
    if (whole_pages > size / 27 + 1 || piece_pages > size / 27 + 1)
        std::abort();  // a page is at least 27 bytes
    return 0;
}
