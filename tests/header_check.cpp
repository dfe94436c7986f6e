// Compiled with only host/include on the path: proves the public headers need no CUDA headers.
#include "boltzkit/boltzkit.hpp"
