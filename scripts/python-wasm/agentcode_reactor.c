/* Entry points of the pre-initialized interpreter (python-reactor.wasm, a WASI reactor linked from the same objects
 * as python.wasm). The host calls agentcode_init once: it starts CPython exactly as the sandbox's command line
 * `python -I -S -B -X utf8 -c ...` does and imports what every run imports; the host then copies linear memory and
 * the mutable globals. Each run is a fresh instance restored from that copy, on which the host calls agentcode_run:
 * it registers the run's extra preopened folders, re-seeds what must differ per run, and runs the `-c` script of the
 * run's own argv the way `python -c` does, returning the process exit code. */
#include <Python.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include <wasi/libc.h>

/* The flags every sandbox run passes; agentcode_run refuses an argv that does not start with them. */
static const char *const kFlags[] = {"python", "-I", "-S", "-B", "-X", "utf8", "-c"};
#define FLAG_COUNT ((int)(sizeof kFlags / sizeof kFlags[0]))

/* What every run imports (runner.py and the output contract), plus the modules most programs use. */
static const char kWarm[] =
    "import ast, base64, binascii, builtins, io, json, linecache, marshal, os, traceback\n"
    "import collections, csv, datetime, functools, itertools, math, random, re\n";

/* Per run: state that the snapshot would otherwise share between runs. The hash seed cannot change after start-up
 * (every dict built so far depends on it), so it stays per snapshot; random's generator is re-seeded from the run's
 * own WASI random_get, and tempfile's name sequence is dropped so it is re-created from that. */
static const char kReseed[] =
    "import sys\n"
    "if 'random' in sys.modules: sys.modules['random'].seed()\n"
    "if 'tempfile' in sys.modules: sys.modules['tempfile']._name_sequence = None\n"
    "del sys\n";

/* The first descriptor that was not preopened when the snapshot was taken; a run's extra folders start here. */
static __wasi_fd_t first_extra_fd;

static int report(const char *what, PyStatus status) {
  fprintf(stderr, "agentcode_init: %s: %s\n", what, status.err_msg ? status.err_msg : "(no message)");
  return 1;
}

__attribute__((export_name("agentcode_init"))) int agentcode_init(void) {
  static char *const argv[] = {"python", "-I", "-S", "-B", "-X", "utf8", "-c", "pass"};
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  PyStatus status = PyConfig_SetBytesArgv(&config, (Py_ssize_t)(sizeof argv / sizeof argv[0]), argv);
  if (PyStatus_Exception(status)) {
    PyConfig_Clear(&config);
    return report("argv", status);
  }
  status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    return report("initialization", status);
  }
  if (PyRun_SimpleString(kWarm) != 0) {
    return 2;
  }
  /* Nothing may stay open but the preopens: a new instance's host has no such descriptors. */
  __wasi_fd_t fd = 3;
  __wasi_prestat_t prestat;
  while (__wasi_fd_prestat_get(fd, &prestat) == __WASI_ERRNO_SUCCESS) {
    fd++;
  }
  first_extra_fd = fd;
  __wasi_fdstat_t stat;
  for (__wasi_fd_t open = fd; open < fd + 64; open++) {
    if (__wasi_fd_fdstat_get(open, &stat) == __WASI_ERRNO_SUCCESS) {
      fprintf(stderr, "agentcode_init: descriptor %u is still open after start-up\n", (unsigned)open);
      return 3;
    }
  }
  return 0;
}

/* Registers the folders the run preopened after the snapshot's own (the /data/<name> folder mounts). */
static int register_extra_preopens(void) {
  for (__wasi_fd_t fd = first_extra_fd;; fd++) {
    __wasi_prestat_t prestat;
    if (__wasi_fd_prestat_get(fd, &prestat) != __WASI_ERRNO_SUCCESS) {
      return 0;
    }
    if (prestat.tag != __WASI_PREOPENTYPE_DIR) {
      continue;
    }
    size_t len = prestat.u.dir.pr_name_len;
    char *path = malloc(len + 1);
    if (path == NULL || __wasi_fd_prestat_dir_name(fd, (uint8_t *)path, len) != __WASI_ERRNO_SUCCESS) {
      free(path);
      return -1;
    }
    path[len] = '\0';
    int failed = __wasilibc_register_preopened_fd(fd, path);
    free(path);
    if (failed != 0) {
      return -1;
    }
  }
}

/* Reads the run's argv from WASI: the script after -c and the arguments after it (sys.argv[1:]). */
static char **read_argv(size_t *argc) {
  size_t count, size;
  if (__wasi_args_sizes_get(&count, &size) != __WASI_ERRNO_SUCCESS) {
    return NULL;
  }
  char **argv = calloc(count + 1, sizeof(char *));
  char *buffer = malloc(size);
  if (argv == NULL || buffer == NULL || __wasi_args_get((uint8_t **)argv, (uint8_t *)buffer) != __WASI_ERRNO_SUCCESS) {
    free(argv);
    free(buffer);
    return NULL;
  }
  *argc = count;
  return argv;
}

static int set_sys_argv(char **argv, size_t argc) {
  /* As under `python -c`: sys.argv[0] is '-c', then the arguments after the script. */
  PyObject *list = PyList_New(0);
  if (list == NULL) {
    return -1;
  }
  PyObject *first = PyUnicode_FromString("-c");
  if (first == NULL || PyList_Append(list, first) != 0) {
    Py_XDECREF(first);
    Py_DECREF(list);
    return -1;
  }
  Py_DECREF(first);
  for (size_t i = FLAG_COUNT + 1; i < argc; i++) {
    PyObject *item = PyUnicode_DecodeFSDefault(argv[i]);
    if (item == NULL || PyList_Append(list, item) != 0) {
      Py_XDECREF(item);
      Py_DECREF(list);
      return -1;
    }
    Py_DECREF(item);
  }
  int failed = PySys_SetObject("argv", list);
  Py_DECREF(list);
  return failed;
}

__attribute__((export_name("agentcode_run"))) int agentcode_run(void) {
  size_t argc = 0;
  char **argv = read_argv(&argc);
  if (argv == NULL || argc < (size_t)FLAG_COUNT + 1) {
    fprintf(stderr, "agentcode_run: the run's argv is not `python -I -S -B -X utf8 -c SCRIPT ...`\n");
    return 2;
  }
  for (int i = 0; i < FLAG_COUNT; i++) {
    if (strcmp(argv[i], kFlags[i]) != 0) {
      fprintf(stderr, "agentcode_run: the run's argv is not `python -I -S -B -X utf8 -c SCRIPT ...`\n");
      return 2;
    }
  }
  if (register_extra_preopens() != 0) {
    fprintf(stderr, "agentcode_run: a preopened folder could not be registered\n");
    return 2;
  }
  if (set_sys_argv(argv, argc) != 0 || PyRun_SimpleString(kReseed) != 0) {
    PyErr_Print();
    return 1;
  }
  /* What `python -c` does (Modules/main.c pymain_run_command): audit, then run with the source cookie ignored. */
  int exitcode = 0;
  PyObject *command = PyUnicode_FromString(argv[FLAG_COUNT]);
  if (command == NULL || PySys_Audit("cpython.run_command", "O", command) < 0) {
    PyErr_Print();
    exitcode = 1;
  } else {
    PyCompilerFlags flags = _PyCompilerFlags_INIT;
    flags.cf_flags |= PyCF_IGNORE_COOKIE;
    exitcode = PyRun_SimpleStringFlags(argv[FLAG_COUNT], &flags) != 0 ? 1 : 0;
  }
  Py_XDECREF(command);
  /* As Py_RunMain: finalizing flushes sys.stdout and sys.stderr and runs atexit functions. */
  if (Py_FinalizeEx() < 0) {
    exitcode = 120;
  }
  return exitcode;
}
