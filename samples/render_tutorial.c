/* The scene of the NumPy tutorial, with the C API alone: a 256x256 texture whose
 * green channel is the column index, on a screen-centred rectangle over a grey
 * background, rendered offscreen and written to a PNG.
 *
 * Usage: render_tutorial [output.png] [width height] */
#include <kiln/kiln.h>

#include <stdio.h>
#include <stdlib.h>

static int check(kiln_result r, const char *what) {
    if (r != KILN_OK)
        fprintf(stderr, "render_tutorial: %s failed: %s\n", what, kiln_last_error_message());
    return r != KILN_OK;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "tutorial.png";
    uint32_t width = argc > 3 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1280;
    uint32_t height = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 1024;
    int failed = 1;
    kiln_root *root = NULL;
    kiln_stream *texels = NULL, *pixels = NULL;
    kiln_image *image = NULL;
    kiln_material *material = NULL;
    kiln_rectangle2d *rect = NULL;
    kiln_camera *camera = NULL;
    kiln_pixelbox *box = NULL;

    /* The texture: green = column index, red = blue = 0. */
    if (check(kiln_stream_create_memory(256 * 256 * 3, &texels), "allocating the texels"))
        goto done;
    uint8_t *t = kiln_stream_get_pointer(texels);
    for (int y = 0; y < 256; y++)
        for (int x = 0; x < 256; x++)
            t[(y * 256 + x) * 3 + 1] = (uint8_t)x;
    if (check(kiln_image_create(&image), "creating the image") ||
        check(kiln_image_load_dynamic_image(image, texels, 256, 256, KILN_PF_BYTE_RGB),
              "loading the image"))
        goto done;

    if (check(kiln_root_create(NULL, &root), "creating the root") ||
        check(kiln_texture_manager_load_image(kiln_root_get_texture_manager(root), "gradient",
                                              "General", image, NULL),
              "uploading the texture"))
        goto done;

    /* The material: lighting off, one texture unit with the default filtering. */
    kiln_technique *technique;
    kiln_pass *pass;
    if (check(kiln_material_manager_create(kiln_root_get_material_manager(root),
                                           "gradient_material", "General", &material),
              "creating the material") ||
        check(kiln_material_get_technique(material, 0, &technique), "getting the technique") ||
        check(kiln_technique_get_pass(technique, 0, &pass), "getting the pass"))
        goto done;
    kiln_pass_set_lighting_enabled(pass, false);
    if (check(kiln_pass_create_texture_unit_state(pass, "gradient", NULL), "adding the texture"))
        goto done;

    /* The scene: the rectangle under the root node, and a camera. */
    kiln_scene_manager *scene;
    if (check(kiln_root_create_scene_manager(root, &scene), "creating the scene") ||
        check(kiln_rectangle2d_create(true, &rect), "creating the rectangle"))
        goto done;
    kiln_rectangle2d_set_corners(rect, -0.5f, 0.5f, 0.5f, -0.5f);
    kiln_rectangle2d_set_material(rect, material);
    if (check(kiln_scene_node_attach_object(kiln_scene_manager_get_root_scene_node(scene),
                                            kiln_rectangle2d_as_movable_object(rect)),
              "attaching the rectangle") ||
        check(kiln_scene_manager_create_camera(scene, "camera", &camera), "creating the camera"))
        goto done;

    /* Offscreen rendering into a texture, read back as 8-bit RGB. */
    kiln_render_target *target;
    kiln_viewport *viewport;
    if (check(kiln_root_create_render_texture(root, "target", width, height, NULL, &target),
              "creating the render texture") ||
        check(kiln_render_target_add_viewport(target, camera, NULL, &viewport),
              "adding the viewport"))
        goto done;
    kiln_colour grey = {0.3f, 0.3f, 0.3f, 1.0f};
    kiln_viewport_set_background_colour(viewport, &grey);
    if (check(kiln_root_render_one_frame(root), "rendering"))
        goto done;

    if (check(kiln_stream_create_memory((size_t)width * height * 3, &pixels),
              "allocating the read-back memory") ||
        check(kiln_pixelbox_create(width, height, 1, KILN_PF_BYTE_RGB, pixels, &box),
              "creating the pixel box") ||
        check(kiln_render_target_copy_contents_to_memory(target, NULL, box), "reading back"))
        goto done;
    kiln_image_release(image);
    image = NULL;
    if (check(kiln_image_create(&image), "creating the output image") ||
        check(kiln_image_load_dynamic_image(image, pixels, width, height, KILN_PF_BYTE_RGB),
              "wrapping the pixels") ||
        check(kiln_image_save(image, path), "writing the PNG"))
        goto done;
    printf("wrote %s (%ux%u)\n", path, width, height);
    failed = 0;

done:
    kiln_pixelbox_release(box);
    kiln_camera_release(camera);
    kiln_rectangle2d_release(rect);
    kiln_material_release(material);
    kiln_image_release(image);
    kiln_stream_release(pixels);
    kiln_stream_release(texels);
    kiln_root_destroy(root);
    return failed;
}
