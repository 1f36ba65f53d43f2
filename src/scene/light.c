#include "scene_internal.h"

#include <math.h>
#include <string.h>

#define DEGREES (3.14159265358979323846f / 180.0f)

static void light_destroy(kiln_movable_object *self) { kiln__free(self); }

/* The item registered under name in the scene's lights, or NULL. */
static kiln_light *find_light(const kiln_scene_manager *scene, const char *name) {
    return kiln__registry_find(&scene->lights, name, NULL);
}

KILN_API kiln_result kiln_scene_manager_create_light(kiln_scene_manager *self, const char *name,
                                                     kiln_light **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (find_light(self, name))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_scene_manager_create_light: a light named '%s' already exists",
                          name);
    kiln_light *light = kiln__calloc(1, sizeof *light);
    if (!light)
        return kiln__fail_oom("a light", sizeof *light);
    kiln__movable_object_init(&light->base, KILN__MOVABLE_LIGHT, light_destroy);
    light->base.name = kiln__strdup(name);
    if (!light->base.name) {
        kiln__free(light);
        return kiln__fail_oom("a light name", strlen(name) + 1);
    }
    /* The original engine's Light defaults (checked against it): a white point
     * light without specular, reaching 100000 units, a 30 to 40 degree cone. */
    light->type = KILN_LT_POINT;
    light->diffuse = (kiln_colour){1, 1, 1, 1};
    light->specular = (kiln_colour){0, 0, 0, 1};
    light->position = (kiln_vector3){0, 0, 0};
    light->direction = (kiln_vector3){0, 0, -1};
    light->range = 100000.0f;
    light->constant = 1.0f;
    light->linear = 0.0f;
    light->quadratic = 0.0f;
    light->spot_inner = 30.0f * DEGREES;
    light->spot_outer = 40.0f * DEGREES;
    light->spot_falloff = 1.0f;
    light->power = 1.0f;
    kiln_result r = kiln__registry_add(&self->lights, name, NULL, light);
    if (r != KILN_OK) {
        kiln_movable_object_release(&light->base);
        return r;
    }
    /* One reference for the scene's registry, one for the caller. */
    kiln_light_retain(light);
    *out = light;
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_manager_get_light(kiln_scene_manager *self, const char *name,
                                                  kiln_light **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln_light *light = find_light(self, name);
    if (!light)
        return kiln__fail(KILN_ERROR_NOT_FOUND, "kiln_scene_manager_get_light: no light named '%s'",
                          name);
    kiln_light_retain(light);
    *out = light;
    return KILN_OK;
}

void kiln__scene_manager_drop_lights(kiln_scene_manager *self) {
    for (uint32_t i = 0; i < self->lights.count; i++)
        kiln_light_release(self->lights.entries[i].item);
    kiln__registry_free(&self->lights);
}

KILN_API kiln_movable_object *kiln_light_as_movable_object(kiln_light *self) {
    return self ? &self->base : NULL;
}
KILN_API void kiln_light_retain(kiln_light *self) {
    if (self)
        kiln_movable_object_retain(&self->base);
}
KILN_API void kiln_light_release(kiln_light *self) {
    if (self)
        kiln_movable_object_release(&self->base);
}

KILN_API kiln_light_type kiln_light_get_type(const kiln_light *self) { return self->type; }
KILN_API kiln_result kiln_light_set_type(kiln_light *self, kiln_light_type type) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(type >= KILN_LT_POINT && type <= KILN_LT_SPOTLIGHT,
                  "kiln_light_set_type: %d is not a kiln_light_type value (0 to 2)", (int)type);
    self->type = type;
    return KILN_OK;
}

KILN_API kiln_colour kiln_light_get_diffuse_colour(const kiln_light *self) { return self->diffuse; }
KILN_API void kiln_light_set_diffuse_colour(kiln_light *self, const kiln_colour *colour) {
    if (colour)
        self->diffuse = *colour;
}
KILN_API kiln_colour kiln_light_get_specular_colour(const kiln_light *self) {
    return self->specular;
}
KILN_API void kiln_light_set_specular_colour(kiln_light *self, const kiln_colour *colour) {
    if (colour)
        self->specular = *colour;
}

KILN_API kiln_vector3 kiln_light_get_position(const kiln_light *self) { return self->position; }
KILN_API void kiln_light_set_position(kiln_light *self, const kiln_vector3 *position) {
    if (position)
        self->position = *position;
}
KILN_API kiln_vector3 kiln_light_get_direction(const kiln_light *self) { return self->direction; }
KILN_API kiln_result kiln_light_set_direction(kiln_light *self, const kiln_vector3 *direction) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(direction);
    float x = direction->x, y = direction->y, z = direction->z;
    float length = sqrtf(x * x + y * y + z * z);
    KILN__REQUIRE(length > 0.0f && isfinite(length),
                  "kiln_light_set_direction: (%g, %g, %g) has no direction; give a non-zero, "
                  "finite vector",
                  (double)x, (double)y, (double)z);
    /* Kept as given: like the original engine, a directional light's direction is not
     * normalised, so its length scales the light (see kiln__light_get_world). */
    self->direction = (kiln_vector3){x, y, z};
    return KILN_OK;
}

KILN_API kiln_result kiln_light_set_attenuation(kiln_light *self, float range, float constant,
                                                float linear, float quadratic) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(range >= 0.0f && isfinite(range),
                  "kiln_light_set_attenuation: range %g must be finite and not negative",
                  (double)range);
    KILN__REQUIRE(constant >= 0.0f && linear >= 0.0f && quadratic >= 0.0f && isfinite(constant) &&
                      isfinite(linear) && isfinite(quadratic) &&
                      (constant > 0.0f || linear > 0.0f || quadratic > 0.0f),
                  "kiln_light_set_attenuation: constant %g, linear %g and quadratic %g must be "
                  "finite, not negative and not all 0",
                  (double)constant, (double)linear, (double)quadratic);
    self->range = range;
    self->constant = constant;
    self->linear = linear;
    self->quadratic = quadratic;
    return KILN_OK;
}
KILN_API float kiln_light_get_attenuation_range(const kiln_light *self) { return self->range; }
KILN_API float kiln_light_get_attenuation_constant(const kiln_light *self) {
    return self->constant;
}
KILN_API float kiln_light_get_attenuation_linear(const kiln_light *self) { return self->linear; }
KILN_API float kiln_light_get_attenuation_quadratic(const kiln_light *self) {
    return self->quadratic;
}

KILN_API kiln_result kiln_light_set_spotlight_range(kiln_light *self, float inner_angle,
                                                    float outer_angle, float falloff) {
    KILN__REQUIRE_NOT_NULL(self);
    const float pi = 180.0f * DEGREES;
    KILN__REQUIRE(inner_angle >= 0.0f && inner_angle <= outer_angle && outer_angle <= pi,
                  "kiln_light_set_spotlight_range: the angles must satisfy 0 <= inner (%g) <= "
                  "outer (%g) <= pi radians",
                  (double)inner_angle, (double)outer_angle);
    KILN__REQUIRE(falloff >= 0.0f && isfinite(falloff),
                  "kiln_light_set_spotlight_range: falloff %g must be finite and not negative",
                  (double)falloff);
    self->spot_inner = inner_angle;
    self->spot_outer = outer_angle;
    self->spot_falloff = falloff;
    return KILN_OK;
}
KILN_API float kiln_light_get_spotlight_inner_angle(const kiln_light *self) {
    return self->spot_inner;
}
KILN_API float kiln_light_get_spotlight_outer_angle(const kiln_light *self) {
    return self->spot_outer;
}
KILN_API float kiln_light_get_spotlight_falloff(const kiln_light *self) {
    return self->spot_falloff;
}

KILN_API float kiln_light_get_power_scale(const kiln_light *self) { return self->power; }
KILN_API kiln_result kiln_light_set_power_scale(kiln_light *self, float power) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(power >= 0.0f && isfinite(power),
                  "kiln_light_set_power_scale: %g must be finite and not negative", (double)power);
    self->power = power;
    return KILN_OK;
}

/* The unit-length form of v, or v itself when it has no length. */
static kiln_vector3 unit(kiln_vector3 v) {
    float length = sqrtf(v.x * v.x + v.y * v.y + v.z * v.z);
    return length > 0.0f ? (kiln_vector3){v.x / length, v.y / length, v.z / length} : v;
}

void kiln__light_get_world(const kiln_light *self, kiln_vector3 *position,
                           kiln_vector3 *direction) {
    *position = self->position;
    /* The original engine's shaders use a directional light's direction as it is
     * (a longer one lights more) but normalise a spotlight's. */
    *direction = self->type == KILN_LT_SPOTLIGHT ? unit(self->direction) : self->direction;
    if (!self->base.parent)
        return;
    kiln_vector3 node_position, node_scale;
    kiln_quaternion node_orientation;
    kiln__scene_node_get_derived(self->base.parent, &node_position, &node_orientation, &node_scale);
    /* As the original engine derives them: the node's scale moves the position but
     * does not bend the direction. */
    kiln_vector3 scaled = {self->position.x * node_scale.x, self->position.y * node_scale.y,
                           self->position.z * node_scale.z};
    kiln_vector3 p = kiln_quaternion_rotate(node_orientation, scaled);
    *position = (kiln_vector3){p.x + node_position.x, p.y + node_position.y, p.z + node_position.z};
    *direction = kiln_quaternion_rotate(node_orientation, *direction);
}
