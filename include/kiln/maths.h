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

/* The unit quaternion rotating by angle (radians, anticlockwise when the axis points
 * at the viewer) about axis. The axis need not be unit length; a zero axis gives the
 * identity. */
KILN_API kiln_quaternion kiln_quaternion_from_angle_axis(float angle, kiln_vector3 axis);

/* The product a * b: the rotation b followed by the rotation a. */
KILN_API kiln_quaternion kiln_quaternion_multiply(kiln_quaternion a, kiln_quaternion b);

/* q scaled to unit length; a zero quaternion gives the identity. */
KILN_API kiln_quaternion kiln_quaternion_normalise(kiln_quaternion q);

/* v rotated by q, which must be unit length (normalise it otherwise). */
KILN_API kiln_vector3 kiln_quaternion_rotate(kiln_quaternion q, kiln_vector3 v);

/* The rotation matrix of q (unit length), acting on column vectors. */
KILN_API kiln_matrix3 kiln_quaternion_to_rotation_matrix(kiln_quaternion q);

/* The 4x4 identity matrix. */
KILN_API kiln_matrix4 kiln_matrix4_identity(void);

/* The product a * b, which applied to a vector transforms by b first, then by a. */
KILN_API kiln_matrix4 kiln_matrix4_multiply(kiln_matrix4 a, kiln_matrix4 b);

/* The matrix that scales, then rotates by orientation (unit length), then moves to
 * position: translation * rotation * scale, a scene node's transform. */
KILN_API kiln_matrix4 kiln_matrix4_make_transform(kiln_vector3 position, kiln_vector3 scale,
                                                  kiln_quaternion orientation);

/* m v for the column vector v (w = 1 for a point, 0 for a direction); no division
 * by w. */
KILN_API kiln_vector4 kiln_matrix4_transform(kiln_matrix4 m, kiln_vector4 v);

/* Fails with KILN_ERROR_INVALID_ARGUMENT for a singular matrix. */
KILN_API kiln_result kiln_matrix4_inverse(kiln_matrix4 m, kiln_matrix4 *out);

#endif
