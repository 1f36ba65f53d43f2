/* The calls of the NumPy bridge made at a data loader's rate, in C: the copy of an
 * array into a new MemoryDataStream costs a memcpy and little more, where the class
 * layer's Python would cost a few microseconds a call.
 *
 * The module does not link the engine: setup() hands it the engine's functions (by
 * address, from the cffi module, so that there is one engine in the process), the
 * class of the objects to make and cffi's cast and gc. Anything it does not take (an
 * array that is not C-contiguous, of Python objects, a failure) gives None, and the
 * caller takes the class layer's path, which explains the problem. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

typedef struct kiln_stream kiln_stream;
typedef int (*create_copy_fn)(const void *data, size_t size, kiln_stream **out);
typedef void (*release_fn)(kiln_stream *self);

/* Copies of at least this many bytes let other Python threads run meanwhile. */
#define KILN__FAST_RELEASE_GIL_BYTES ((Py_ssize_t)1 << 20)

static create_copy_fn create_copy;
static release_fn release_stream;
static PyObject *stream_class, *ffi_cast, *ffi_gc, *release_cdata, *pointer_type;
static PyObject *name_ptr, *name_owner;

static PyObject *setup(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long create, release;
    PyObject *cls, *cast, *gc, *release_object, *type;
    if (!PyArg_ParseTuple(args, "KKOOOOO", &create, &release, &release_object, &cls, &cast, &gc,
                          &type))
        return NULL;
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "setup: the stream class must be a type");
        return NULL;
    }
    create_copy = (create_copy_fn)(uintptr_t)create;
    release_stream = (release_fn)(uintptr_t)release;
    PyObject *keep[] = {cls, cast, gc, release_object, type};
    PyObject **slots[] = {&stream_class, &ffi_cast, &ffi_gc, &release_cdata, &pointer_type};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        Py_INCREF(keep[i]);
        Py_XSETREF(*slots[i], keep[i]);
    }
    Py_RETURN_NONE;
}

/* A new stream of the class given to setup() holding a copy of the array's bytes, or
 * None. */
static PyObject *copy_array(PyObject *self, PyObject *array) {
    (void)self;
    if (!create_copy) {
        PyErr_SetString(PyExc_RuntimeError, "copy_array: setup() was not called");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(array, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    /* Python objects have no bytes of their own to copy. */
    if (view.format && strchr(view.format, 'O')) {
        PyBuffer_Release(&view);
        Py_RETURN_NONE;
    }
    kiln_stream *stream = NULL;
    int result;
    if (view.len >= KILN__FAST_RELEASE_GIL_BYTES) {
        Py_BEGIN_ALLOW_THREADS;
        result = create_copy(view.buf, (size_t)view.len, &stream);
        Py_END_ALLOW_THREADS;
    } else {
        result = create_copy(view.len ? view.buf : NULL, (size_t)view.len, &stream);
    }
    PyBuffer_Release(&view);
    if (result != 0 || !stream)
        Py_RETURN_NONE;
    /* ffi.gc(ffi.cast("kiln_stream *", address), kiln_stream_release) */
    PyObject *address = PyLong_FromVoidPtr(stream);
    if (!address) {
        release_stream(stream);
        return NULL;
    }
    PyObject *cast_args[] = {pointer_type, address};
    PyObject *pointer = PyObject_Vectorcall(ffi_cast, cast_args, 2, NULL);
    Py_DECREF(address);
    if (!pointer) {
        release_stream(stream);
        return NULL;
    }
    PyObject *gc_args[] = {pointer, release_cdata};
    PyObject *owned = PyObject_Vectorcall(ffi_gc, gc_args, 2, NULL);
    Py_DECREF(pointer);
    if (!owned) {
        release_stream(stream);
        return NULL;
    }
    /* From here the stream is released with `owned`. */
    PyTypeObject *type = (PyTypeObject *)stream_class;
    PyObject *object = type->tp_alloc(type, 0);
    if (!object || PyObject_SetAttr(object, name_ptr, owned) != 0 ||
        PyObject_SetAttr(object, name_owner, Py_None) != 0) {
        Py_XDECREF(object);
        Py_DECREF(owned);
        return NULL;
    }
    Py_DECREF(owned);
    return object;
}

static PyMethodDef methods[] = {
    {"setup", setup, METH_VARARGS,
     "setup(create_copy, release, release_function, cls, cast, gc, pointer_type): the "
     "engine's functions by address and as cffi sees release, the class of the streams "
     "made, cffi's cast and gc, and the C type of a stream pointer."},
    {"copy_array", copy_array, METH_O,
     "copy_array(array): a new stream holding a copy of a C-contiguous array's bytes, or "
     "None where the class layer must take it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_kiln_fast",
    "The NumPy bridge's calls made at a data loader's rate.",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__kiln_fast(void) {
    name_ptr = PyUnicode_InternFromString("_ptr");
    name_owner = PyUnicode_InternFromString("_owner");
    if (!name_ptr || !name_owner)
        return NULL;
    return PyModule_Create(&module);
}
