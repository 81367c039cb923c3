#ifndef DOWNTIME_CMOSQUITTO_SHIM_H
#define DOWNTIME_CMOSQUITTO_SHIM_H
// libmosquitto, the Eclipse Mosquitto project's C client (Debian libmosquitto-dev).
#include <mosquitto.h>
#endif
