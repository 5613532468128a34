/* t_hash.c — (being written) */
#include <petrel/cmd.h>
