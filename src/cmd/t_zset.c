/* t_zset.c — (being written) */
#include <petrel/cmd.h>
