/* Kiln: the whole public C API. */
#ifndef KILN_H
#define KILN_H

#include "core.h"
#include "stream.h"
#include "pixel.h"
#include "maths.h"
#include "image.h"
#include "resource.h"
#include "scene.h"
#include "geometry.h"
#include "render.h"

#endif
