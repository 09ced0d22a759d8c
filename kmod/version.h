/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FLOWBR_VERSION_H
#define _FLOWBR_VERSION_H
#define FLOWBR_VERSION "0.1.0"
#endif
