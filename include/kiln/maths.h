/* Plain value types of the math library. Matrices are row-major and act on column
 * vectors (v' = M v), as in the original engine; angles are in radians. */
#ifndef KILN_MATHS_H
#define KILN_MATHS_H

#include "core.h"

typedef struct kiln_vector2 {
    float x;
    float y;
} kiln_vector2;

typedef struct kiln_vector3 {
    float x;
    float y;
    float z;
} kiln_vector3;

typedef struct kiln_vector4 {
    float x;
    float y;
    float z;
    float w;
} kiln_vector4;

/* A rotation; (w, x, y, z) = (1, 0, 0, 0) is the identity. */
typedef struct kiln_quaternion {
    float w;
    float x;
    float y;
    float z;
} kiln_quaternion;

typedef struct kiln_matrix3 {
    float m[3][3];
} kiln_matrix3;

typedef struct kiln_matrix4 {
    float m[4][4];
} kiln_matrix4;

/* Linear RGBA in [0, 1] (values outside are kept). */
typedef struct kiln_colour {
    float r;
    float g;
    float b;
    float a;
} kiln_colour;

KILN_API kiln_quaternion kiln_quaternion_from_angle_axis(float angle, kiln_vector3 axis);
KILN_API kiln_quaternion kiln_quaternion_multiply(kiln_quaternion a, kiln_quaternion b);
KILN_API kiln_quaternion kiln_quaternion_normalise(kiln_quaternion q);
KILN_API kiln_vector3 kiln_quaternion_rotate(kiln_quaternion q, kiln_vector3 v);
KILN_API kiln_matrix3 kiln_quaternion_to_rotation_matrix(kiln_quaternion q);

KILN_API kiln_matrix4 kiln_matrix4_identity(void);
KILN_API kiln_matrix4 kiln_matrix4_multiply(kiln_matrix4 a, kiln_matrix4 b);
KILN_API kiln_matrix4 kiln_matrix4_make_transform(kiln_vector3 position, kiln_vector3 scale,
                                                  kiln_quaternion orientation);
KILN_API kiln_vector4 kiln_matrix4_transform(kiln_matrix4 m, kiln_vector4 v);

/* Fails with KILN_ERROR_INVALID_ARGUMENT for a singular matrix. */
KILN_API kiln_result kiln_matrix4_inverse(kiln_matrix4 m, kiln_matrix4 *out);

#endif
