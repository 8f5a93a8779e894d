// apimachinery's errors (sqlop::apimachinery::Error) as the server's ApiError.
#pragma once

#include "apimachinery/result.hpp"
#include "server/api_error.hpp"

namespace sqlop::testserver {

ApiError from_apimachinery(const sqlop::apimachinery::Error& error);

}  // namespace sqlop::testserver
