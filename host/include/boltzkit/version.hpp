#pragma once
/// \file version.hpp
namespace boltzkit {
constexpr const char* version = "0.1.0";
}
