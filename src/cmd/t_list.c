/* t_list.c — (being written) */
#include <petrel/cmd.h>
