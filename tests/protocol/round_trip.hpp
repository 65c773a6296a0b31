#pragma once
// A control message through serialize() and parse_control(): what came back, or a default one
// (with a test failure) if it did not parse as the same type.
#include "protocol/control_message.hpp"

#include <gtest/gtest.h>

#include <variant>

namespace tolk::protocol::test {

template <class T>
T round_trip(const T& message) {
    const auto text = serialize(message);
    auto parsed = parse_control(text);
    EXPECT_TRUE(parsed) << text << " -> " << (parsed ? "" : parsed.error().message());
    if (!parsed)
        return {};
    EXPECT_TRUE(std::holds_alternative<T>(parsed.value())) << text;
    if (!std::holds_alternative<T>(parsed.value()))
        return {};
    return std::get<T>(parsed.value());
}

}  // namespace tolk::protocol::test
