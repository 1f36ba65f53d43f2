/* The calls of the NumPy bridge made at a data loader's rate, in C: the copy of an
 * array into a new MemoryDataStream costs a memcpy and little more, where the class
 * layer's Python would cost a few microseconds a call.
 *
 * The module does not link the engine: setup() hands it the engine's functions (by
 * address, from the cffi module, so that there is one engine in the process), the
 * class of the objects to make and cffi's cast. Anything it does not take (an
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
static PyObject *stream_class, *ffi_cast, *pointer_type;
static PyObject *name_ptr, *name_owner, *name_keep;

/* One reference to a stream, given back when the object goes: what owns a stream that
 * copy_array made (its Python object keeps it in `_keep`), for a C call where a cffi
 * destructor would cost a Python call made with parsed arguments. */
typedef struct stream_reference {
    PyObject_HEAD kiln_stream *stream;
} stream_reference;

static void stream_reference_dealloc(PyObject *self) {
    release_stream(((stream_reference *)self)->stream);
    PyObject_Free(self);
}

static PyTypeObject stream_reference_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_kiln_fast.StreamReference",
    .tp_basicsize = sizeof(stream_reference),
    .tp_dealloc = stream_reference_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One reference to an engine stream, released with the object.",
};

static PyObject *setup(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long create, release;
    PyObject *cls, *cast, *type;
    if (!PyArg_ParseTuple(args, "KKOOO", &create, &release, &cls, &cast, &type))
        return NULL;
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "setup: the stream class must be a type");
        return NULL;
    }
    create_copy = (create_copy_fn)(uintptr_t)create;
    release_stream = (release_fn)(uintptr_t)release;
    PyObject *keep[] = {cls, cast, type};
    PyObject **slots[] = {&stream_class, &ffi_cast, &pointer_type};
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
    /* The reference is owned from here: released with `reference`. */
    stream_reference *reference = PyObject_New(stream_reference, &stream_reference_type);
    if (!reference) {
        release_stream(stream);
        return NULL;
    }
    reference->stream = stream;
    /* ffi.cast("kiln_stream *", address): the pointer the class layer calls with. */
    PyObject *address = PyLong_FromVoidPtr(stream);
    PyObject *pointer = NULL;
    if (address) {
        PyObject *cast_args[] = {pointer_type, address};
        pointer = PyObject_Vectorcall(ffi_cast, cast_args, 2, NULL);
        Py_DECREF(address);
    }
    PyTypeObject *type = (PyTypeObject *)stream_class;
    PyObject *object = pointer ? type->tp_alloc(type, 0) : NULL;
    if (!object || PyObject_SetAttr(object, name_ptr, pointer) != 0 ||
        PyObject_SetAttr(object, name_owner, Py_None) != 0 ||
        PyObject_SetAttr(object, name_keep, (PyObject *)reference) != 0) {
        Py_XDECREF(object);
        Py_XDECREF(pointer);
        Py_DECREF(reference);
        return NULL;
    }
    Py_DECREF(pointer);
    Py_DECREF(reference);
    return object;
}

static PyMethodDef methods[] = {
    {"setup", setup, METH_VARARGS,
     "setup(create_copy, release, cls, cast, pointer_type): the engine's functions by "
     "address, the class of the streams made, cffi's cast and the C type of a stream "
     "pointer."},
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
    name_keep = PyUnicode_InternFromString("_keep");
    if (!name_ptr || !name_owner || !name_keep || PyType_Ready(&stream_reference_type) != 0)
        return NULL;
    return PyModule_Create(&module);
}
