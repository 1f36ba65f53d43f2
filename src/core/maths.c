#include "internal.h"

#include <math.h>

KILN_API kiln_quaternion kiln_quaternion_from_angle_axis(float angle, kiln_vector3 axis) {
    /* The axis is normalised here so that callers need not, as a rotation must be a unit
     * quaternion; a zero axis gives the identity. */
    float len = sqrtf(axis.x * axis.x + axis.y * axis.y + axis.z * axis.z);
    if (len == 0.0f)
        return (kiln_quaternion){1.0f, 0.0f, 0.0f, 0.0f};
    float s = sinf(0.5f * angle) / len;
    return (kiln_quaternion){cosf(0.5f * angle), axis.x * s, axis.y * s, axis.z * s};
}

KILN_API kiln_quaternion kiln_quaternion_multiply(kiln_quaternion a, kiln_quaternion b) {
    return (kiln_quaternion){
        a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
        a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
        a.w * b.y + a.y * b.w + a.z * b.x - a.x * b.z,
        a.w * b.z + a.z * b.w + a.x * b.y - a.y * b.x,
    };
}

KILN_API kiln_quaternion kiln_quaternion_normalise(kiln_quaternion q) {
    float len = sqrtf(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
    if (len == 0.0f)
        return (kiln_quaternion){1.0f, 0.0f, 0.0f, 0.0f};
    float inv = 1.0f / len;
    return (kiln_quaternion){q.w * inv, q.x * inv, q.y * inv, q.z * inv};
}

KILN_API kiln_vector3 kiln_quaternion_rotate(kiln_quaternion q, kiln_vector3 v) {
    /* v' = v + 2w (u x v) + 2 u x (u x v), the expansion of q v q^-1 for a unit q. */
    kiln_vector3 u = {q.x, q.y, q.z};
    kiln_vector3 uv = {u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x};
    kiln_vector3 uuv = {u.y * uv.z - u.z * uv.y, u.z * uv.x - u.x * uv.z, u.x * uv.y - u.y * uv.x};
    return (kiln_vector3){v.x + 2.0f * (q.w * uv.x + uuv.x), v.y + 2.0f * (q.w * uv.y + uuv.y),
                          v.z + 2.0f * (q.w * uv.z + uuv.z)};
}

KILN_API kiln_matrix3 kiln_quaternion_to_rotation_matrix(kiln_quaternion q) {
    float tx = q.x + q.x, ty = q.y + q.y, tz = q.z + q.z;
    float twx = tx * q.w, twy = ty * q.w, twz = tz * q.w;
    float txx = tx * q.x, txy = ty * q.x, txz = tz * q.x;
    float tyy = ty * q.y, tyz = tz * q.y, tzz = tz * q.z;
    kiln_matrix3 r;
    r.m[0][0] = 1.0f - (tyy + tzz);
    r.m[0][1] = txy - twz;
    r.m[0][2] = txz + twy;
    r.m[1][0] = txy + twz;
    r.m[1][1] = 1.0f - (txx + tzz);
    r.m[1][2] = tyz - twx;
    r.m[2][0] = txz - twy;
    r.m[2][1] = tyz + twx;
    r.m[2][2] = 1.0f - (txx + tyy);
    return r;
}

KILN_API kiln_matrix4 kiln_matrix4_identity(void) {
    kiln_matrix4 r = {{{0}}};
    for (int i = 0; i < 4; i++)
        r.m[i][i] = 1.0f;
    return r;
}

KILN_API kiln_matrix4 kiln_matrix4_multiply(kiln_matrix4 a, kiln_matrix4 b) {
    kiln_matrix4 r;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            r.m[i][j] = a.m[i][0] * b.m[0][j] + a.m[i][1] * b.m[1][j] + a.m[i][2] * b.m[2][j] +
                        a.m[i][3] * b.m[3][j];
    return r;
}

KILN_API kiln_matrix4 kiln_matrix4_make_transform(kiln_vector3 position, kiln_vector3 scale,
                                                  kiln_quaternion orientation) {
    /* Translation * rotation * scale: scale first, then rotate, then move. */
    kiln_matrix3 rot = kiln_quaternion_to_rotation_matrix(orientation);
    kiln_matrix4 r;
    float s[3] = {scale.x, scale.y, scale.z};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r.m[i][j] = rot.m[i][j] * s[j];
    r.m[0][3] = position.x;
    r.m[1][3] = position.y;
    r.m[2][3] = position.z;
    r.m[3][0] = r.m[3][1] = r.m[3][2] = 0.0f;
    r.m[3][3] = 1.0f;
    return r;
}

KILN_API kiln_vector4 kiln_matrix4_transform(kiln_matrix4 m, kiln_vector4 v) {
    return (kiln_vector4){
        m.m[0][0] * v.x + m.m[0][1] * v.y + m.m[0][2] * v.z + m.m[0][3] * v.w,
        m.m[1][0] * v.x + m.m[1][1] * v.y + m.m[1][2] * v.z + m.m[1][3] * v.w,
        m.m[2][0] * v.x + m.m[2][1] * v.y + m.m[2][2] * v.z + m.m[2][3] * v.w,
        m.m[3][0] * v.x + m.m[3][1] * v.y + m.m[3][2] * v.z + m.m[3][3] * v.w,
    };
}

KILN_API kiln_result kiln_matrix4_inverse(kiln_matrix4 m, kiln_matrix4 *out) {
    KILN__REQUIRE_NOT_NULL(out);
    /* Cofactor expansion in double precision, so that well-conditioned matrices invert
     * to within float rounding. */
    double a[16], inv[16];
    for (int i = 0; i < 16; i++)
        a[i] = m.m[i / 4][i % 4];
    inv[0] = a[5] * a[10] * a[15] - a[5] * a[11] * a[14] - a[9] * a[6] * a[15] +
             a[9] * a[7] * a[14] + a[13] * a[6] * a[11] - a[13] * a[7] * a[10];
    inv[4] = -a[4] * a[10] * a[15] + a[4] * a[11] * a[14] + a[8] * a[6] * a[15] -
             a[8] * a[7] * a[14] - a[12] * a[6] * a[11] + a[12] * a[7] * a[10];
    inv[8] = a[4] * a[9] * a[15] - a[4] * a[11] * a[13] - a[8] * a[5] * a[15] +
             a[8] * a[7] * a[13] + a[12] * a[5] * a[11] - a[12] * a[7] * a[9];
    inv[12] = -a[4] * a[9] * a[14] + a[4] * a[10] * a[13] + a[8] * a[5] * a[14] -
              a[8] * a[6] * a[13] - a[12] * a[5] * a[10] + a[12] * a[6] * a[9];
    inv[1] = -a[1] * a[10] * a[15] + a[1] * a[11] * a[14] + a[9] * a[2] * a[15] -
             a[9] * a[3] * a[14] - a[13] * a[2] * a[11] + a[13] * a[3] * a[10];
    inv[5] = a[0] * a[10] * a[15] - a[0] * a[11] * a[14] - a[8] * a[2] * a[15] +
             a[8] * a[3] * a[14] + a[12] * a[2] * a[11] - a[12] * a[3] * a[10];
    inv[9] = -a[0] * a[9] * a[15] + a[0] * a[11] * a[13] + a[8] * a[1] * a[15] -
             a[8] * a[3] * a[13] - a[12] * a[1] * a[11] + a[12] * a[3] * a[9];
    inv[13] = a[0] * a[9] * a[14] - a[0] * a[10] * a[13] - a[8] * a[1] * a[14] +
              a[8] * a[2] * a[13] + a[12] * a[1] * a[10] - a[12] * a[2] * a[9];
    inv[2] = a[1] * a[6] * a[15] - a[1] * a[7] * a[14] - a[5] * a[2] * a[15] + a[5] * a[3] * a[14] +
             a[13] * a[2] * a[7] - a[13] * a[3] * a[6];
    inv[6] = -a[0] * a[6] * a[15] + a[0] * a[7] * a[14] + a[4] * a[2] * a[15] -
             a[4] * a[3] * a[14] - a[12] * a[2] * a[7] + a[12] * a[3] * a[6];
    inv[10] = a[0] * a[5] * a[15] - a[0] * a[7] * a[13] - a[4] * a[1] * a[15] +
              a[4] * a[3] * a[13] + a[12] * a[1] * a[7] - a[12] * a[3] * a[5];
    inv[14] = -a[0] * a[5] * a[14] + a[0] * a[6] * a[13] + a[4] * a[1] * a[14] -
              a[4] * a[2] * a[13] - a[12] * a[1] * a[6] + a[12] * a[2] * a[5];
    inv[3] = -a[1] * a[6] * a[11] + a[1] * a[7] * a[10] + a[5] * a[2] * a[11] -
             a[5] * a[3] * a[10] - a[9] * a[2] * a[7] + a[9] * a[3] * a[6];
    inv[7] = a[0] * a[6] * a[11] - a[0] * a[7] * a[10] - a[4] * a[2] * a[11] + a[4] * a[3] * a[10] +
             a[8] * a[2] * a[7] - a[8] * a[3] * a[6];
    inv[11] = -a[0] * a[5] * a[11] + a[0] * a[7] * a[9] + a[4] * a[1] * a[11] - a[4] * a[3] * a[9] -
              a[8] * a[1] * a[7] + a[8] * a[3] * a[5];
    inv[15] = a[0] * a[5] * a[10] - a[0] * a[6] * a[9] - a[4] * a[1] * a[10] + a[4] * a[2] * a[9] +
              a[8] * a[1] * a[6] - a[8] * a[2] * a[5];
    double det = a[0] * inv[0] + a[1] * inv[4] + a[2] * inv[8] + a[3] * inv[12];
    if (det == 0.0 || !isfinite(det))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_matrix4_inverse: the matrix is singular (determinant %g)", det);
    double inv_det = 1.0 / det;
    for (int i = 0; i < 16; i++)
        out->m[i / 4][i % 4] = (float)(inv[i] * inv_det);
    return KILN_OK;
}
