/* t_set.c — (being written) */
#include <petrel/cmd.h>
