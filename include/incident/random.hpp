#pragma once
// Random bits from the kernel (getrandom), for ids that must not collide across machines
// that never coordinate: no seeded generator whose state a 32-bit seed would bound.

#include <cstddef>

namespace incident {

// Fills `buffer` with `size` random bytes. Throws Error when the kernel cannot supply them.
void random_bytes(void* buffer, std::size_t size);

}  // namespace incident
