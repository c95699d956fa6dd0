import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  fastProducingStatus,
  fastRecordDecodingStatus
} from "./chunk-CIPMMRG3.js";
import {
  EXIT_WAKE_UP,
  KEY_GROUPS,
  assignmentTable,
  encodeSteps,
  jobByName,
  keyGroupOf,
  keyGroupsOfWorker,
  loadJob,
  loadJobSource,
  newExitFlag,
  requestExit,
  windowInputOf,
  windowSpecOf
} from "./chunk-GVLRBWAU.js";
import {
  ENVELOPE_MESSAGE,
  adoptPrestarted,
  discardPrestarted
} from "./chunk-XURSPE6P.js";
import "./chunk-HIIISYGC.js";
import {
  discardSavepoint,
  finishSavepoint,
  prepareSavepoint
} from "./chunk-ZDVGN3KH.js";
import {
  checkCompatible,
  readSavepoint
} from "./chunk-BJ3PA4SC.js";
import "./chunk-OY2TSX2N.js";
import {
  SAVEPOINT_FORMAT_VERSION,
  compareDescriptors,
  jobDescriptor,
  savepointName
} from "./chunk-VFIZNDEH.js";
import {
  canonicalJson,
  sha256
} from "./chunk-YMRU26Q3.js";
import {
  assignerFor,
  describeWindow
} from "./chunk-4T5SS3NF.js";
import {
  METRIC_NAMES,
  SluiceMetrics
} from "./chunk-MGZBEKIB.js";
import {
  LinkSet,
  VARIABLES,
  WindowTraceIndex,
  adminSocketPath,
  carrierFromHeaders,
  describeConfig,
  inSpanAsync,
  loadConfig,
  markError,
  maskUrlsInText,
  startBatchSpan,
  startSpan,
  startTracing,
  systemClock,
  systemScheduler,
  tracingEnabled
} from "./chunk-V4BPHJU6.js";
import {
  DEFAULT_FETCH_PARTITION_BYTES,
  fetchMaxBytes
} from "./chunk-JAQIKBD7.js";
import "./chunk-NB6JYZCG.js";
import {
  external_exports
} from "./chunk-MBHVQOUX.js";
import {
  ErrorCode,
  RecordErrorCode,
  SluiceError,
  deserializeError
} from "./chunk-5F6N7MD3.js";
import {
  context,
  trace
} from "./chunk-4VNCNJCE.js";
import {
  __commonJS,
  __toESM
} from "./chunk-HEGIUYW6.js";

// node_modules/rxjs/dist/cjs/internal/util/isFunction.js
var require_isFunction = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isFunction.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isFunction = void 0;
    function isFunction(value) {
      return typeof value === "function";
    }
    exports.isFunction = isFunction;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/createErrorClass.js
var require_createErrorClass = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/createErrorClass.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.createErrorClass = void 0;
    function createErrorClass(createImpl) {
      var _super = function(instance) {
        Error.call(instance);
        instance.stack = new Error().stack;
      };
      var ctorFunc = createImpl(_super);
      ctorFunc.prototype = Object.create(Error.prototype);
      ctorFunc.prototype.constructor = ctorFunc;
      return ctorFunc;
    }
    exports.createErrorClass = createErrorClass;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/UnsubscriptionError.js
var require_UnsubscriptionError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/UnsubscriptionError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.UnsubscriptionError = void 0;
    var createErrorClass_1 = require_createErrorClass();
    exports.UnsubscriptionError = createErrorClass_1.createErrorClass(function(_super) {
      return function UnsubscriptionErrorImpl(errors) {
        _super(this);
        this.message = errors ? errors.length + " errors occurred during unsubscription:\n" + errors.map(function(err, i) {
          return i + 1 + ") " + err.toString();
        }).join("\n  ") : "";
        this.name = "UnsubscriptionError";
        this.errors = errors;
      };
    });
  }
});

// node_modules/rxjs/dist/cjs/internal/util/arrRemove.js
var require_arrRemove = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/arrRemove.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.arrRemove = void 0;
    function arrRemove(arr, item) {
      if (arr) {
        var index = arr.indexOf(item);
        0 <= index && arr.splice(index, 1);
      }
    }
    exports.arrRemove = arrRemove;
  }
});

// node_modules/rxjs/dist/cjs/internal/Subscription.js
var require_Subscription = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/Subscription.js"(exports) {
    "use strict";
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isSubscription = exports.EMPTY_SUBSCRIPTION = exports.Subscription = void 0;
    var isFunction_1 = require_isFunction();
    var UnsubscriptionError_1 = require_UnsubscriptionError();
    var arrRemove_1 = require_arrRemove();
    var Subscription = (function() {
      function Subscription2(initialTeardown) {
        this.initialTeardown = initialTeardown;
        this.closed = false;
        this._parentage = null;
        this._finalizers = null;
      }
      Subscription2.prototype.unsubscribe = function() {
        var e_1, _a, e_2, _b;
        var errors;
        if (!this.closed) {
          this.closed = true;
          var _parentage = this._parentage;
          if (_parentage) {
            this._parentage = null;
            if (Array.isArray(_parentage)) {
              try {
                for (var _parentage_1 = __values(_parentage), _parentage_1_1 = _parentage_1.next(); !_parentage_1_1.done; _parentage_1_1 = _parentage_1.next()) {
                  var parent_1 = _parentage_1_1.value;
                  parent_1.remove(this);
                }
              } catch (e_1_1) {
                e_1 = { error: e_1_1 };
              } finally {
                try {
                  if (_parentage_1_1 && !_parentage_1_1.done && (_a = _parentage_1.return)) _a.call(_parentage_1);
                } finally {
                  if (e_1) throw e_1.error;
                }
              }
            } else {
              _parentage.remove(this);
            }
          }
          var initialFinalizer = this.initialTeardown;
          if (isFunction_1.isFunction(initialFinalizer)) {
            try {
              initialFinalizer();
            } catch (e) {
              errors = e instanceof UnsubscriptionError_1.UnsubscriptionError ? e.errors : [e];
            }
          }
          var _finalizers = this._finalizers;
          if (_finalizers) {
            this._finalizers = null;
            try {
              for (var _finalizers_1 = __values(_finalizers), _finalizers_1_1 = _finalizers_1.next(); !_finalizers_1_1.done; _finalizers_1_1 = _finalizers_1.next()) {
                var finalizer = _finalizers_1_1.value;
                try {
                  execFinalizer(finalizer);
                } catch (err) {
                  errors = errors !== null && errors !== void 0 ? errors : [];
                  if (err instanceof UnsubscriptionError_1.UnsubscriptionError) {
                    errors = __spreadArray(__spreadArray([], __read(errors)), __read(err.errors));
                  } else {
                    errors.push(err);
                  }
                }
              }
            } catch (e_2_1) {
              e_2 = { error: e_2_1 };
            } finally {
              try {
                if (_finalizers_1_1 && !_finalizers_1_1.done && (_b = _finalizers_1.return)) _b.call(_finalizers_1);
              } finally {
                if (e_2) throw e_2.error;
              }
            }
          }
          if (errors) {
            throw new UnsubscriptionError_1.UnsubscriptionError(errors);
          }
        }
      };
      Subscription2.prototype.add = function(teardown) {
        var _a;
        if (teardown && teardown !== this) {
          if (this.closed) {
            execFinalizer(teardown);
          } else {
            if (teardown instanceof Subscription2) {
              if (teardown.closed || teardown._hasParent(this)) {
                return;
              }
              teardown._addParent(this);
            }
            (this._finalizers = (_a = this._finalizers) !== null && _a !== void 0 ? _a : []).push(teardown);
          }
        }
      };
      Subscription2.prototype._hasParent = function(parent) {
        var _parentage = this._parentage;
        return _parentage === parent || Array.isArray(_parentage) && _parentage.includes(parent);
      };
      Subscription2.prototype._addParent = function(parent) {
        var _parentage = this._parentage;
        this._parentage = Array.isArray(_parentage) ? (_parentage.push(parent), _parentage) : _parentage ? [_parentage, parent] : parent;
      };
      Subscription2.prototype._removeParent = function(parent) {
        var _parentage = this._parentage;
        if (_parentage === parent) {
          this._parentage = null;
        } else if (Array.isArray(_parentage)) {
          arrRemove_1.arrRemove(_parentage, parent);
        }
      };
      Subscription2.prototype.remove = function(teardown) {
        var _finalizers = this._finalizers;
        _finalizers && arrRemove_1.arrRemove(_finalizers, teardown);
        if (teardown instanceof Subscription2) {
          teardown._removeParent(this);
        }
      };
      Subscription2.EMPTY = (function() {
        var empty = new Subscription2();
        empty.closed = true;
        return empty;
      })();
      return Subscription2;
    })();
    exports.Subscription = Subscription;
    exports.EMPTY_SUBSCRIPTION = Subscription.EMPTY;
    function isSubscription(value) {
      return value instanceof Subscription || value && "closed" in value && isFunction_1.isFunction(value.remove) && isFunction_1.isFunction(value.add) && isFunction_1.isFunction(value.unsubscribe);
    }
    exports.isSubscription = isSubscription;
    function execFinalizer(finalizer) {
      if (isFunction_1.isFunction(finalizer)) {
        finalizer();
      } else {
        finalizer.unsubscribe();
      }
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/config.js
var require_config = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/config.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.config = void 0;
    exports.config = {
      onUnhandledError: null,
      onStoppedNotification: null,
      Promise: void 0,
      useDeprecatedSynchronousErrorHandling: false,
      useDeprecatedNextContext: false
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/timeoutProvider.js
var require_timeoutProvider = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/timeoutProvider.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.timeoutProvider = void 0;
    exports.timeoutProvider = {
      setTimeout: function(handler, timeout) {
        var args = [];
        for (var _i = 2; _i < arguments.length; _i++) {
          args[_i - 2] = arguments[_i];
        }
        var delegate = exports.timeoutProvider.delegate;
        if (delegate === null || delegate === void 0 ? void 0 : delegate.setTimeout) {
          return delegate.setTimeout.apply(delegate, __spreadArray([handler, timeout], __read(args)));
        }
        return setTimeout.apply(void 0, __spreadArray([handler, timeout], __read(args)));
      },
      clearTimeout: function(handle2) {
        var delegate = exports.timeoutProvider.delegate;
        return ((delegate === null || delegate === void 0 ? void 0 : delegate.clearTimeout) || clearTimeout)(handle2);
      },
      delegate: void 0
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/util/reportUnhandledError.js
var require_reportUnhandledError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/reportUnhandledError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.reportUnhandledError = void 0;
    var config_1 = require_config();
    var timeoutProvider_1 = require_timeoutProvider();
    function reportUnhandledError(err) {
      timeoutProvider_1.timeoutProvider.setTimeout(function() {
        var onUnhandledError = config_1.config.onUnhandledError;
        if (onUnhandledError) {
          onUnhandledError(err);
        } else {
          throw err;
        }
      });
    }
    exports.reportUnhandledError = reportUnhandledError;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/noop.js
var require_noop = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/noop.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.noop = void 0;
    function noop() {
    }
    exports.noop = noop;
  }
});

// node_modules/rxjs/dist/cjs/internal/NotificationFactories.js
var require_NotificationFactories = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/NotificationFactories.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.createNotification = exports.nextNotification = exports.errorNotification = exports.COMPLETE_NOTIFICATION = void 0;
    exports.COMPLETE_NOTIFICATION = (function() {
      return createNotification("C", void 0, void 0);
    })();
    function errorNotification(error) {
      return createNotification("E", void 0, error);
    }
    exports.errorNotification = errorNotification;
    function nextNotification(value) {
      return createNotification("N", value, void 0);
    }
    exports.nextNotification = nextNotification;
    function createNotification(kind, value, error) {
      return {
        kind,
        value,
        error
      };
    }
    exports.createNotification = createNotification;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/errorContext.js
var require_errorContext = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/errorContext.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.captureError = exports.errorContext = void 0;
    var config_1 = require_config();
    var context2 = null;
    function errorContext(cb) {
      if (config_1.config.useDeprecatedSynchronousErrorHandling) {
        var isRoot = !context2;
        if (isRoot) {
          context2 = { errorThrown: false, error: null };
        }
        cb();
        if (isRoot) {
          var _a = context2, errorThrown = _a.errorThrown, error = _a.error;
          context2 = null;
          if (errorThrown) {
            throw error;
          }
        }
      } else {
        cb();
      }
    }
    exports.errorContext = errorContext;
    function captureError(err) {
      if (config_1.config.useDeprecatedSynchronousErrorHandling && context2) {
        context2.errorThrown = true;
        context2.error = err;
      }
    }
    exports.captureError = captureError;
  }
});

// node_modules/rxjs/dist/cjs/internal/Subscriber.js
var require_Subscriber = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/Subscriber.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.EMPTY_OBSERVER = exports.SafeSubscriber = exports.Subscriber = void 0;
    var isFunction_1 = require_isFunction();
    var Subscription_1 = require_Subscription();
    var config_1 = require_config();
    var reportUnhandledError_1 = require_reportUnhandledError();
    var noop_1 = require_noop();
    var NotificationFactories_1 = require_NotificationFactories();
    var timeoutProvider_1 = require_timeoutProvider();
    var errorContext_1 = require_errorContext();
    var Subscriber = (function(_super) {
      __extends(Subscriber2, _super);
      function Subscriber2(destination) {
        var _this = _super.call(this) || this;
        _this.isStopped = false;
        if (destination) {
          _this.destination = destination;
          if (Subscription_1.isSubscription(destination)) {
            destination.add(_this);
          }
        } else {
          _this.destination = exports.EMPTY_OBSERVER;
        }
        return _this;
      }
      Subscriber2.create = function(next, error, complete) {
        return new SafeSubscriber(next, error, complete);
      };
      Subscriber2.prototype.next = function(value) {
        if (this.isStopped) {
          handleStoppedNotification(NotificationFactories_1.nextNotification(value), this);
        } else {
          this._next(value);
        }
      };
      Subscriber2.prototype.error = function(err) {
        if (this.isStopped) {
          handleStoppedNotification(NotificationFactories_1.errorNotification(err), this);
        } else {
          this.isStopped = true;
          this._error(err);
        }
      };
      Subscriber2.prototype.complete = function() {
        if (this.isStopped) {
          handleStoppedNotification(NotificationFactories_1.COMPLETE_NOTIFICATION, this);
        } else {
          this.isStopped = true;
          this._complete();
        }
      };
      Subscriber2.prototype.unsubscribe = function() {
        if (!this.closed) {
          this.isStopped = true;
          _super.prototype.unsubscribe.call(this);
          this.destination = null;
        }
      };
      Subscriber2.prototype._next = function(value) {
        this.destination.next(value);
      };
      Subscriber2.prototype._error = function(err) {
        try {
          this.destination.error(err);
        } finally {
          this.unsubscribe();
        }
      };
      Subscriber2.prototype._complete = function() {
        try {
          this.destination.complete();
        } finally {
          this.unsubscribe();
        }
      };
      return Subscriber2;
    })(Subscription_1.Subscription);
    exports.Subscriber = Subscriber;
    var _bind = Function.prototype.bind;
    function bind(fn, thisArg) {
      return _bind.call(fn, thisArg);
    }
    var ConsumerObserver = (function() {
      function ConsumerObserver2(partialObserver) {
        this.partialObserver = partialObserver;
      }
      ConsumerObserver2.prototype.next = function(value) {
        var partialObserver = this.partialObserver;
        if (partialObserver.next) {
          try {
            partialObserver.next(value);
          } catch (error) {
            handleUnhandledError(error);
          }
        }
      };
      ConsumerObserver2.prototype.error = function(err) {
        var partialObserver = this.partialObserver;
        if (partialObserver.error) {
          try {
            partialObserver.error(err);
          } catch (error) {
            handleUnhandledError(error);
          }
        } else {
          handleUnhandledError(err);
        }
      };
      ConsumerObserver2.prototype.complete = function() {
        var partialObserver = this.partialObserver;
        if (partialObserver.complete) {
          try {
            partialObserver.complete();
          } catch (error) {
            handleUnhandledError(error);
          }
        }
      };
      return ConsumerObserver2;
    })();
    var SafeSubscriber = (function(_super) {
      __extends(SafeSubscriber2, _super);
      function SafeSubscriber2(observerOrNext, error, complete) {
        var _this = _super.call(this) || this;
        var partialObserver;
        if (isFunction_1.isFunction(observerOrNext) || !observerOrNext) {
          partialObserver = {
            next: observerOrNext !== null && observerOrNext !== void 0 ? observerOrNext : void 0,
            error: error !== null && error !== void 0 ? error : void 0,
            complete: complete !== null && complete !== void 0 ? complete : void 0
          };
        } else {
          var context_1;
          if (_this && config_1.config.useDeprecatedNextContext) {
            context_1 = Object.create(observerOrNext);
            context_1.unsubscribe = function() {
              return _this.unsubscribe();
            };
            partialObserver = {
              next: observerOrNext.next && bind(observerOrNext.next, context_1),
              error: observerOrNext.error && bind(observerOrNext.error, context_1),
              complete: observerOrNext.complete && bind(observerOrNext.complete, context_1)
            };
          } else {
            partialObserver = observerOrNext;
          }
        }
        _this.destination = new ConsumerObserver(partialObserver);
        return _this;
      }
      return SafeSubscriber2;
    })(Subscriber);
    exports.SafeSubscriber = SafeSubscriber;
    function handleUnhandledError(error) {
      if (config_1.config.useDeprecatedSynchronousErrorHandling) {
        errorContext_1.captureError(error);
      } else {
        reportUnhandledError_1.reportUnhandledError(error);
      }
    }
    function defaultErrorHandler(err) {
      throw err;
    }
    function handleStoppedNotification(notification, subscriber) {
      var onStoppedNotification = config_1.config.onStoppedNotification;
      onStoppedNotification && timeoutProvider_1.timeoutProvider.setTimeout(function() {
        return onStoppedNotification(notification, subscriber);
      });
    }
    exports.EMPTY_OBSERVER = {
      closed: true,
      next: noop_1.noop,
      error: defaultErrorHandler,
      complete: noop_1.noop
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/symbol/observable.js
var require_observable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/symbol/observable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.observable = void 0;
    exports.observable = (function() {
      return typeof Symbol === "function" && Symbol.observable || "@@observable";
    })();
  }
});

// node_modules/rxjs/dist/cjs/internal/util/identity.js
var require_identity = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/identity.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.identity = void 0;
    function identity(x) {
      return x;
    }
    exports.identity = identity;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/pipe.js
var require_pipe = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/pipe.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.pipeFromArray = exports.pipe = void 0;
    var identity_1 = require_identity();
    function pipe() {
      var fns = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        fns[_i] = arguments[_i];
      }
      return pipeFromArray(fns);
    }
    exports.pipe = pipe;
    function pipeFromArray(fns) {
      if (fns.length === 0) {
        return identity_1.identity;
      }
      if (fns.length === 1) {
        return fns[0];
      }
      return function piped(input) {
        return fns.reduce(function(prev, fn) {
          return fn(prev);
        }, input);
      };
    }
    exports.pipeFromArray = pipeFromArray;
  }
});

// node_modules/rxjs/dist/cjs/internal/Observable.js
var require_Observable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/Observable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Observable = void 0;
    var Subscriber_1 = require_Subscriber();
    var Subscription_1 = require_Subscription();
    var observable_1 = require_observable();
    var pipe_1 = require_pipe();
    var config_1 = require_config();
    var isFunction_1 = require_isFunction();
    var errorContext_1 = require_errorContext();
    var Observable3 = (function() {
      function Observable4(subscribe) {
        if (subscribe) {
          this._subscribe = subscribe;
        }
      }
      Observable4.prototype.lift = function(operator) {
        var observable = new Observable4();
        observable.source = this;
        observable.operator = operator;
        return observable;
      };
      Observable4.prototype.subscribe = function(observerOrNext, error, complete) {
        var _this = this;
        var subscriber = isSubscriber(observerOrNext) ? observerOrNext : new Subscriber_1.SafeSubscriber(observerOrNext, error, complete);
        errorContext_1.errorContext(function() {
          var _a = _this, operator = _a.operator, source = _a.source;
          subscriber.add(operator ? operator.call(subscriber, source) : source ? _this._subscribe(subscriber) : _this._trySubscribe(subscriber));
        });
        return subscriber;
      };
      Observable4.prototype._trySubscribe = function(sink) {
        try {
          return this._subscribe(sink);
        } catch (err) {
          sink.error(err);
        }
      };
      Observable4.prototype.forEach = function(next, promiseCtor) {
        var _this = this;
        promiseCtor = getPromiseCtor(promiseCtor);
        return new promiseCtor(function(resolve2, reject) {
          var subscriber = new Subscriber_1.SafeSubscriber({
            next: function(value) {
              try {
                next(value);
              } catch (err) {
                reject(err);
                subscriber.unsubscribe();
              }
            },
            error: reject,
            complete: resolve2
          });
          _this.subscribe(subscriber);
        });
      };
      Observable4.prototype._subscribe = function(subscriber) {
        var _a;
        return (_a = this.source) === null || _a === void 0 ? void 0 : _a.subscribe(subscriber);
      };
      Observable4.prototype[observable_1.observable] = function() {
        return this;
      };
      Observable4.prototype.pipe = function() {
        var operations = [];
        for (var _i = 0; _i < arguments.length; _i++) {
          operations[_i] = arguments[_i];
        }
        return pipe_1.pipeFromArray(operations)(this);
      };
      Observable4.prototype.toPromise = function(promiseCtor) {
        var _this = this;
        promiseCtor = getPromiseCtor(promiseCtor);
        return new promiseCtor(function(resolve2, reject) {
          var value;
          _this.subscribe(function(x) {
            return value = x;
          }, function(err) {
            return reject(err);
          }, function() {
            return resolve2(value);
          });
        });
      };
      Observable4.create = function(subscribe) {
        return new Observable4(subscribe);
      };
      return Observable4;
    })();
    exports.Observable = Observable3;
    function getPromiseCtor(promiseCtor) {
      var _a;
      return (_a = promiseCtor !== null && promiseCtor !== void 0 ? promiseCtor : config_1.config.Promise) !== null && _a !== void 0 ? _a : Promise;
    }
    function isObserver(value) {
      return value && isFunction_1.isFunction(value.next) && isFunction_1.isFunction(value.error) && isFunction_1.isFunction(value.complete);
    }
    function isSubscriber(value) {
      return value && value instanceof Subscriber_1.Subscriber || isObserver(value) && Subscription_1.isSubscription(value);
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/util/lift.js
var require_lift = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/lift.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.operate = exports.hasLift = void 0;
    var isFunction_1 = require_isFunction();
    function hasLift(source) {
      return isFunction_1.isFunction(source === null || source === void 0 ? void 0 : source.lift);
    }
    exports.hasLift = hasLift;
    function operate(init) {
      return function(source) {
        if (hasLift(source)) {
          return source.lift(function(liftedSource) {
            try {
              return init(liftedSource, this);
            } catch (err) {
              this.error(err);
            }
          });
        }
        throw new TypeError("Unable to lift unknown Observable type");
      };
    }
    exports.operate = operate;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/OperatorSubscriber.js
var require_OperatorSubscriber = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/OperatorSubscriber.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.OperatorSubscriber = exports.createOperatorSubscriber = void 0;
    var Subscriber_1 = require_Subscriber();
    function createOperatorSubscriber(destination, onNext, onComplete, onError, onFinalize) {
      return new OperatorSubscriber(destination, onNext, onComplete, onError, onFinalize);
    }
    exports.createOperatorSubscriber = createOperatorSubscriber;
    var OperatorSubscriber = (function(_super) {
      __extends(OperatorSubscriber2, _super);
      function OperatorSubscriber2(destination, onNext, onComplete, onError, onFinalize, shouldUnsubscribe) {
        var _this = _super.call(this, destination) || this;
        _this.onFinalize = onFinalize;
        _this.shouldUnsubscribe = shouldUnsubscribe;
        _this._next = onNext ? function(value) {
          try {
            onNext(value);
          } catch (err) {
            destination.error(err);
          }
        } : _super.prototype._next;
        _this._error = onError ? function(err) {
          try {
            onError(err);
          } catch (err2) {
            destination.error(err2);
          } finally {
            this.unsubscribe();
          }
        } : _super.prototype._error;
        _this._complete = onComplete ? function() {
          try {
            onComplete();
          } catch (err) {
            destination.error(err);
          } finally {
            this.unsubscribe();
          }
        } : _super.prototype._complete;
        return _this;
      }
      OperatorSubscriber2.prototype.unsubscribe = function() {
        var _a;
        if (!this.shouldUnsubscribe || this.shouldUnsubscribe()) {
          var closed_1 = this.closed;
          _super.prototype.unsubscribe.call(this);
          !closed_1 && ((_a = this.onFinalize) === null || _a === void 0 ? void 0 : _a.call(this));
        }
      };
      return OperatorSubscriber2;
    })(Subscriber_1.Subscriber);
    exports.OperatorSubscriber = OperatorSubscriber;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/refCount.js
var require_refCount = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/refCount.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.refCount = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function refCount() {
      return lift_1.operate(function(source, subscriber) {
        var connection = null;
        source._refCount++;
        var refCounter = OperatorSubscriber_1.createOperatorSubscriber(subscriber, void 0, void 0, void 0, function() {
          if (!source || source._refCount <= 0 || 0 < --source._refCount) {
            connection = null;
            return;
          }
          var sharedConnection = source._connection;
          var conn = connection;
          connection = null;
          if (sharedConnection && (!conn || sharedConnection === conn)) {
            sharedConnection.unsubscribe();
          }
          subscriber.unsubscribe();
        });
        source.subscribe(refCounter);
        if (!refCounter.closed) {
          connection = source.connect();
        }
      });
    }
    exports.refCount = refCount;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/ConnectableObservable.js
var require_ConnectableObservable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/ConnectableObservable.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.ConnectableObservable = void 0;
    var Observable_1 = require_Observable();
    var Subscription_1 = require_Subscription();
    var refCount_1 = require_refCount();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var lift_1 = require_lift();
    var ConnectableObservable = (function(_super) {
      __extends(ConnectableObservable2, _super);
      function ConnectableObservable2(source, subjectFactory) {
        var _this = _super.call(this) || this;
        _this.source = source;
        _this.subjectFactory = subjectFactory;
        _this._subject = null;
        _this._refCount = 0;
        _this._connection = null;
        if (lift_1.hasLift(source)) {
          _this.lift = source.lift;
        }
        return _this;
      }
      ConnectableObservable2.prototype._subscribe = function(subscriber) {
        return this.getSubject().subscribe(subscriber);
      };
      ConnectableObservable2.prototype.getSubject = function() {
        var subject = this._subject;
        if (!subject || subject.isStopped) {
          this._subject = this.subjectFactory();
        }
        return this._subject;
      };
      ConnectableObservable2.prototype._teardown = function() {
        this._refCount = 0;
        var _connection = this._connection;
        this._subject = this._connection = null;
        _connection === null || _connection === void 0 ? void 0 : _connection.unsubscribe();
      };
      ConnectableObservable2.prototype.connect = function() {
        var _this = this;
        var connection = this._connection;
        if (!connection) {
          connection = this._connection = new Subscription_1.Subscription();
          var subject_1 = this.getSubject();
          connection.add(this.source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subject_1, void 0, function() {
            _this._teardown();
            subject_1.complete();
          }, function(err) {
            _this._teardown();
            subject_1.error(err);
          }, function() {
            return _this._teardown();
          })));
          if (connection.closed) {
            this._connection = null;
            connection = Subscription_1.Subscription.EMPTY;
          }
        }
        return connection;
      };
      ConnectableObservable2.prototype.refCount = function() {
        return refCount_1.refCount()(this);
      };
      return ConnectableObservable2;
    })(Observable_1.Observable);
    exports.ConnectableObservable = ConnectableObservable;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/performanceTimestampProvider.js
var require_performanceTimestampProvider = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/performanceTimestampProvider.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.performanceTimestampProvider = void 0;
    exports.performanceTimestampProvider = {
      now: function() {
        return (exports.performanceTimestampProvider.delegate || performance).now();
      },
      delegate: void 0
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/animationFrameProvider.js
var require_animationFrameProvider = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/animationFrameProvider.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.animationFrameProvider = void 0;
    var Subscription_1 = require_Subscription();
    exports.animationFrameProvider = {
      schedule: function(callback) {
        var request = requestAnimationFrame;
        var cancel = cancelAnimationFrame;
        var delegate = exports.animationFrameProvider.delegate;
        if (delegate) {
          request = delegate.requestAnimationFrame;
          cancel = delegate.cancelAnimationFrame;
        }
        var handle2 = request(function(timestamp) {
          cancel = void 0;
          callback(timestamp);
        });
        return new Subscription_1.Subscription(function() {
          return cancel === null || cancel === void 0 ? void 0 : cancel(handle2);
        });
      },
      requestAnimationFrame: function() {
        var args = [];
        for (var _i = 0; _i < arguments.length; _i++) {
          args[_i] = arguments[_i];
        }
        var delegate = exports.animationFrameProvider.delegate;
        return ((delegate === null || delegate === void 0 ? void 0 : delegate.requestAnimationFrame) || requestAnimationFrame).apply(void 0, __spreadArray([], __read(args)));
      },
      cancelAnimationFrame: function() {
        var args = [];
        for (var _i = 0; _i < arguments.length; _i++) {
          args[_i] = arguments[_i];
        }
        var delegate = exports.animationFrameProvider.delegate;
        return ((delegate === null || delegate === void 0 ? void 0 : delegate.cancelAnimationFrame) || cancelAnimationFrame).apply(void 0, __spreadArray([], __read(args)));
      },
      delegate: void 0
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/dom/animationFrames.js
var require_animationFrames = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/dom/animationFrames.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.animationFrames = void 0;
    var Observable_1 = require_Observable();
    var performanceTimestampProvider_1 = require_performanceTimestampProvider();
    var animationFrameProvider_1 = require_animationFrameProvider();
    function animationFrames(timestampProvider) {
      return timestampProvider ? animationFramesFactory(timestampProvider) : DEFAULT_ANIMATION_FRAMES;
    }
    exports.animationFrames = animationFrames;
    function animationFramesFactory(timestampProvider) {
      return new Observable_1.Observable(function(subscriber) {
        var provider = timestampProvider || performanceTimestampProvider_1.performanceTimestampProvider;
        var start = provider.now();
        var id = 0;
        var run2 = function() {
          if (!subscriber.closed) {
            id = animationFrameProvider_1.animationFrameProvider.requestAnimationFrame(function(timestamp) {
              id = 0;
              var now = provider.now();
              subscriber.next({
                timestamp: timestampProvider ? now : timestamp,
                elapsed: now - start
              });
              run2();
            });
          }
        };
        run2();
        return function() {
          if (id) {
            animationFrameProvider_1.animationFrameProvider.cancelAnimationFrame(id);
          }
        };
      });
    }
    var DEFAULT_ANIMATION_FRAMES = animationFramesFactory();
  }
});

// node_modules/rxjs/dist/cjs/internal/util/ObjectUnsubscribedError.js
var require_ObjectUnsubscribedError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/ObjectUnsubscribedError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.ObjectUnsubscribedError = void 0;
    var createErrorClass_1 = require_createErrorClass();
    exports.ObjectUnsubscribedError = createErrorClass_1.createErrorClass(function(_super) {
      return function ObjectUnsubscribedErrorImpl() {
        _super(this);
        this.name = "ObjectUnsubscribedError";
        this.message = "object unsubscribed";
      };
    });
  }
});

// node_modules/rxjs/dist/cjs/internal/Subject.js
var require_Subject = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/Subject.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.AnonymousSubject = exports.Subject = void 0;
    var Observable_1 = require_Observable();
    var Subscription_1 = require_Subscription();
    var ObjectUnsubscribedError_1 = require_ObjectUnsubscribedError();
    var arrRemove_1 = require_arrRemove();
    var errorContext_1 = require_errorContext();
    var Subject3 = (function(_super) {
      __extends(Subject4, _super);
      function Subject4() {
        var _this = _super.call(this) || this;
        _this.closed = false;
        _this.currentObservers = null;
        _this.observers = [];
        _this.isStopped = false;
        _this.hasError = false;
        _this.thrownError = null;
        return _this;
      }
      Subject4.prototype.lift = function(operator) {
        var subject = new AnonymousSubject(this, this);
        subject.operator = operator;
        return subject;
      };
      Subject4.prototype._throwIfClosed = function() {
        if (this.closed) {
          throw new ObjectUnsubscribedError_1.ObjectUnsubscribedError();
        }
      };
      Subject4.prototype.next = function(value) {
        var _this = this;
        errorContext_1.errorContext(function() {
          var e_1, _a;
          _this._throwIfClosed();
          if (!_this.isStopped) {
            if (!_this.currentObservers) {
              _this.currentObservers = Array.from(_this.observers);
            }
            try {
              for (var _b = __values(_this.currentObservers), _c = _b.next(); !_c.done; _c = _b.next()) {
                var observer = _c.value;
                observer.next(value);
              }
            } catch (e_1_1) {
              e_1 = { error: e_1_1 };
            } finally {
              try {
                if (_c && !_c.done && (_a = _b.return)) _a.call(_b);
              } finally {
                if (e_1) throw e_1.error;
              }
            }
          }
        });
      };
      Subject4.prototype.error = function(err) {
        var _this = this;
        errorContext_1.errorContext(function() {
          _this._throwIfClosed();
          if (!_this.isStopped) {
            _this.hasError = _this.isStopped = true;
            _this.thrownError = err;
            var observers = _this.observers;
            while (observers.length) {
              observers.shift().error(err);
            }
          }
        });
      };
      Subject4.prototype.complete = function() {
        var _this = this;
        errorContext_1.errorContext(function() {
          _this._throwIfClosed();
          if (!_this.isStopped) {
            _this.isStopped = true;
            var observers = _this.observers;
            while (observers.length) {
              observers.shift().complete();
            }
          }
        });
      };
      Subject4.prototype.unsubscribe = function() {
        this.isStopped = this.closed = true;
        this.observers = this.currentObservers = null;
      };
      Object.defineProperty(Subject4.prototype, "observed", {
        get: function() {
          var _a;
          return ((_a = this.observers) === null || _a === void 0 ? void 0 : _a.length) > 0;
        },
        enumerable: false,
        configurable: true
      });
      Subject4.prototype._trySubscribe = function(subscriber) {
        this._throwIfClosed();
        return _super.prototype._trySubscribe.call(this, subscriber);
      };
      Subject4.prototype._subscribe = function(subscriber) {
        this._throwIfClosed();
        this._checkFinalizedStatuses(subscriber);
        return this._innerSubscribe(subscriber);
      };
      Subject4.prototype._innerSubscribe = function(subscriber) {
        var _this = this;
        var _a = this, hasError = _a.hasError, isStopped = _a.isStopped, observers = _a.observers;
        if (hasError || isStopped) {
          return Subscription_1.EMPTY_SUBSCRIPTION;
        }
        this.currentObservers = null;
        observers.push(subscriber);
        return new Subscription_1.Subscription(function() {
          _this.currentObservers = null;
          arrRemove_1.arrRemove(observers, subscriber);
        });
      };
      Subject4.prototype._checkFinalizedStatuses = function(subscriber) {
        var _a = this, hasError = _a.hasError, thrownError = _a.thrownError, isStopped = _a.isStopped;
        if (hasError) {
          subscriber.error(thrownError);
        } else if (isStopped) {
          subscriber.complete();
        }
      };
      Subject4.prototype.asObservable = function() {
        var observable = new Observable_1.Observable();
        observable.source = this;
        return observable;
      };
      Subject4.create = function(destination, source) {
        return new AnonymousSubject(destination, source);
      };
      return Subject4;
    })(Observable_1.Observable);
    exports.Subject = Subject3;
    var AnonymousSubject = (function(_super) {
      __extends(AnonymousSubject2, _super);
      function AnonymousSubject2(destination, source) {
        var _this = _super.call(this) || this;
        _this.destination = destination;
        _this.source = source;
        return _this;
      }
      AnonymousSubject2.prototype.next = function(value) {
        var _a, _b;
        (_b = (_a = this.destination) === null || _a === void 0 ? void 0 : _a.next) === null || _b === void 0 ? void 0 : _b.call(_a, value);
      };
      AnonymousSubject2.prototype.error = function(err) {
        var _a, _b;
        (_b = (_a = this.destination) === null || _a === void 0 ? void 0 : _a.error) === null || _b === void 0 ? void 0 : _b.call(_a, err);
      };
      AnonymousSubject2.prototype.complete = function() {
        var _a, _b;
        (_b = (_a = this.destination) === null || _a === void 0 ? void 0 : _a.complete) === null || _b === void 0 ? void 0 : _b.call(_a);
      };
      AnonymousSubject2.prototype._subscribe = function(subscriber) {
        var _a, _b;
        return (_b = (_a = this.source) === null || _a === void 0 ? void 0 : _a.subscribe(subscriber)) !== null && _b !== void 0 ? _b : Subscription_1.EMPTY_SUBSCRIPTION;
      };
      return AnonymousSubject2;
    })(Subject3);
    exports.AnonymousSubject = AnonymousSubject;
  }
});

// node_modules/rxjs/dist/cjs/internal/BehaviorSubject.js
var require_BehaviorSubject = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/BehaviorSubject.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.BehaviorSubject = void 0;
    var Subject_1 = require_Subject();
    var BehaviorSubject = (function(_super) {
      __extends(BehaviorSubject2, _super);
      function BehaviorSubject2(_value) {
        var _this = _super.call(this) || this;
        _this._value = _value;
        return _this;
      }
      Object.defineProperty(BehaviorSubject2.prototype, "value", {
        get: function() {
          return this.getValue();
        },
        enumerable: false,
        configurable: true
      });
      BehaviorSubject2.prototype._subscribe = function(subscriber) {
        var subscription = _super.prototype._subscribe.call(this, subscriber);
        !subscription.closed && subscriber.next(this._value);
        return subscription;
      };
      BehaviorSubject2.prototype.getValue = function() {
        var _a = this, hasError = _a.hasError, thrownError = _a.thrownError, _value = _a._value;
        if (hasError) {
          throw thrownError;
        }
        this._throwIfClosed();
        return _value;
      };
      BehaviorSubject2.prototype.next = function(value) {
        _super.prototype.next.call(this, this._value = value);
      };
      return BehaviorSubject2;
    })(Subject_1.Subject);
    exports.BehaviorSubject = BehaviorSubject;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/dateTimestampProvider.js
var require_dateTimestampProvider = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/dateTimestampProvider.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.dateTimestampProvider = void 0;
    exports.dateTimestampProvider = {
      now: function() {
        return (exports.dateTimestampProvider.delegate || Date).now();
      },
      delegate: void 0
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/ReplaySubject.js
var require_ReplaySubject = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/ReplaySubject.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.ReplaySubject = void 0;
    var Subject_1 = require_Subject();
    var dateTimestampProvider_1 = require_dateTimestampProvider();
    var ReplaySubject = (function(_super) {
      __extends(ReplaySubject2, _super);
      function ReplaySubject2(_bufferSize, _windowTime, _timestampProvider) {
        if (_bufferSize === void 0) {
          _bufferSize = Infinity;
        }
        if (_windowTime === void 0) {
          _windowTime = Infinity;
        }
        if (_timestampProvider === void 0) {
          _timestampProvider = dateTimestampProvider_1.dateTimestampProvider;
        }
        var _this = _super.call(this) || this;
        _this._bufferSize = _bufferSize;
        _this._windowTime = _windowTime;
        _this._timestampProvider = _timestampProvider;
        _this._buffer = [];
        _this._infiniteTimeWindow = true;
        _this._infiniteTimeWindow = _windowTime === Infinity;
        _this._bufferSize = Math.max(1, _bufferSize);
        _this._windowTime = Math.max(1, _windowTime);
        return _this;
      }
      ReplaySubject2.prototype.next = function(value) {
        var _a = this, isStopped = _a.isStopped, _buffer = _a._buffer, _infiniteTimeWindow = _a._infiniteTimeWindow, _timestampProvider = _a._timestampProvider, _windowTime = _a._windowTime;
        if (!isStopped) {
          _buffer.push(value);
          !_infiniteTimeWindow && _buffer.push(_timestampProvider.now() + _windowTime);
        }
        this._trimBuffer();
        _super.prototype.next.call(this, value);
      };
      ReplaySubject2.prototype._subscribe = function(subscriber) {
        this._throwIfClosed();
        this._trimBuffer();
        var subscription = this._innerSubscribe(subscriber);
        var _a = this, _infiniteTimeWindow = _a._infiniteTimeWindow, _buffer = _a._buffer;
        var copy = _buffer.slice();
        for (var i = 0; i < copy.length && !subscriber.closed; i += _infiniteTimeWindow ? 1 : 2) {
          subscriber.next(copy[i]);
        }
        this._checkFinalizedStatuses(subscriber);
        return subscription;
      };
      ReplaySubject2.prototype._trimBuffer = function() {
        var _a = this, _bufferSize = _a._bufferSize, _timestampProvider = _a._timestampProvider, _buffer = _a._buffer, _infiniteTimeWindow = _a._infiniteTimeWindow;
        var adjustedBufferSize = (_infiniteTimeWindow ? 1 : 2) * _bufferSize;
        _bufferSize < Infinity && adjustedBufferSize < _buffer.length && _buffer.splice(0, _buffer.length - adjustedBufferSize);
        if (!_infiniteTimeWindow) {
          var now = _timestampProvider.now();
          var last = 0;
          for (var i = 1; i < _buffer.length && _buffer[i] <= now; i += 2) {
            last = i;
          }
          last && _buffer.splice(0, last + 1);
        }
      };
      return ReplaySubject2;
    })(Subject_1.Subject);
    exports.ReplaySubject = ReplaySubject;
  }
});

// node_modules/rxjs/dist/cjs/internal/AsyncSubject.js
var require_AsyncSubject = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/AsyncSubject.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.AsyncSubject = void 0;
    var Subject_1 = require_Subject();
    var AsyncSubject = (function(_super) {
      __extends(AsyncSubject2, _super);
      function AsyncSubject2() {
        var _this = _super !== null && _super.apply(this, arguments) || this;
        _this._value = null;
        _this._hasValue = false;
        _this._isComplete = false;
        return _this;
      }
      AsyncSubject2.prototype._checkFinalizedStatuses = function(subscriber) {
        var _a = this, hasError = _a.hasError, _hasValue = _a._hasValue, _value = _a._value, thrownError = _a.thrownError, isStopped = _a.isStopped, _isComplete = _a._isComplete;
        if (hasError) {
          subscriber.error(thrownError);
        } else if (isStopped || _isComplete) {
          _hasValue && subscriber.next(_value);
          subscriber.complete();
        }
      };
      AsyncSubject2.prototype.next = function(value) {
        if (!this.isStopped) {
          this._value = value;
          this._hasValue = true;
        }
      };
      AsyncSubject2.prototype.complete = function() {
        var _a = this, _hasValue = _a._hasValue, _value = _a._value, _isComplete = _a._isComplete;
        if (!_isComplete) {
          this._isComplete = true;
          _hasValue && _super.prototype.next.call(this, _value);
          _super.prototype.complete.call(this);
        }
      };
      return AsyncSubject2;
    })(Subject_1.Subject);
    exports.AsyncSubject = AsyncSubject;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/Action.js
var require_Action = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/Action.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Action = void 0;
    var Subscription_1 = require_Subscription();
    var Action = (function(_super) {
      __extends(Action2, _super);
      function Action2(scheduler, work) {
        return _super.call(this) || this;
      }
      Action2.prototype.schedule = function(state, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        return this;
      };
      return Action2;
    })(Subscription_1.Subscription);
    exports.Action = Action;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/intervalProvider.js
var require_intervalProvider = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/intervalProvider.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.intervalProvider = void 0;
    exports.intervalProvider = {
      setInterval: function(handler, timeout) {
        var args = [];
        for (var _i = 2; _i < arguments.length; _i++) {
          args[_i - 2] = arguments[_i];
        }
        var delegate = exports.intervalProvider.delegate;
        if (delegate === null || delegate === void 0 ? void 0 : delegate.setInterval) {
          return delegate.setInterval.apply(delegate, __spreadArray([handler, timeout], __read(args)));
        }
        return setInterval.apply(void 0, __spreadArray([handler, timeout], __read(args)));
      },
      clearInterval: function(handle2) {
        var delegate = exports.intervalProvider.delegate;
        return ((delegate === null || delegate === void 0 ? void 0 : delegate.clearInterval) || clearInterval)(handle2);
      },
      delegate: void 0
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/AsyncAction.js
var require_AsyncAction = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/AsyncAction.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.AsyncAction = void 0;
    var Action_1 = require_Action();
    var intervalProvider_1 = require_intervalProvider();
    var arrRemove_1 = require_arrRemove();
    var AsyncAction = (function(_super) {
      __extends(AsyncAction2, _super);
      function AsyncAction2(scheduler, work) {
        var _this = _super.call(this, scheduler, work) || this;
        _this.scheduler = scheduler;
        _this.work = work;
        _this.pending = false;
        return _this;
      }
      AsyncAction2.prototype.schedule = function(state, delay) {
        var _a;
        if (delay === void 0) {
          delay = 0;
        }
        if (this.closed) {
          return this;
        }
        this.state = state;
        var id = this.id;
        var scheduler = this.scheduler;
        if (id != null) {
          this.id = this.recycleAsyncId(scheduler, id, delay);
        }
        this.pending = true;
        this.delay = delay;
        this.id = (_a = this.id) !== null && _a !== void 0 ? _a : this.requestAsyncId(scheduler, this.id, delay);
        return this;
      };
      AsyncAction2.prototype.requestAsyncId = function(scheduler, _id, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        return intervalProvider_1.intervalProvider.setInterval(scheduler.flush.bind(scheduler, this), delay);
      };
      AsyncAction2.prototype.recycleAsyncId = function(_scheduler, id, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        if (delay != null && this.delay === delay && this.pending === false) {
          return id;
        }
        if (id != null) {
          intervalProvider_1.intervalProvider.clearInterval(id);
        }
        return void 0;
      };
      AsyncAction2.prototype.execute = function(state, delay) {
        if (this.closed) {
          return new Error("executing a cancelled action");
        }
        this.pending = false;
        var error = this._execute(state, delay);
        if (error) {
          return error;
        } else if (this.pending === false && this.id != null) {
          this.id = this.recycleAsyncId(this.scheduler, this.id, null);
        }
      };
      AsyncAction2.prototype._execute = function(state, _delay) {
        var errored = false;
        var errorValue;
        try {
          this.work(state);
        } catch (e) {
          errored = true;
          errorValue = e ? e : new Error("Scheduled action threw falsy error");
        }
        if (errored) {
          this.unsubscribe();
          return errorValue;
        }
      };
      AsyncAction2.prototype.unsubscribe = function() {
        if (!this.closed) {
          var _a = this, id = _a.id, scheduler = _a.scheduler;
          var actions = scheduler.actions;
          this.work = this.state = this.scheduler = null;
          this.pending = false;
          arrRemove_1.arrRemove(actions, this);
          if (id != null) {
            this.id = this.recycleAsyncId(scheduler, id, null);
          }
          this.delay = null;
          _super.prototype.unsubscribe.call(this);
        }
      };
      return AsyncAction2;
    })(Action_1.Action);
    exports.AsyncAction = AsyncAction;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/Immediate.js
var require_Immediate = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/Immediate.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.TestTools = exports.Immediate = void 0;
    var nextHandle = 1;
    var resolved;
    var activeHandles = {};
    function findAndClearHandle(handle2) {
      if (handle2 in activeHandles) {
        delete activeHandles[handle2];
        return true;
      }
      return false;
    }
    exports.Immediate = {
      setImmediate: function(cb) {
        var handle2 = nextHandle++;
        activeHandles[handle2] = true;
        if (!resolved) {
          resolved = Promise.resolve();
        }
        resolved.then(function() {
          return findAndClearHandle(handle2) && cb();
        });
        return handle2;
      },
      clearImmediate: function(handle2) {
        findAndClearHandle(handle2);
      }
    };
    exports.TestTools = {
      pending: function() {
        return Object.keys(activeHandles).length;
      }
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/immediateProvider.js
var require_immediateProvider = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/immediateProvider.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.immediateProvider = void 0;
    var Immediate_1 = require_Immediate();
    var setImmediate2 = Immediate_1.Immediate.setImmediate;
    var clearImmediate = Immediate_1.Immediate.clearImmediate;
    exports.immediateProvider = {
      setImmediate: function() {
        var args = [];
        for (var _i = 0; _i < arguments.length; _i++) {
          args[_i] = arguments[_i];
        }
        var delegate = exports.immediateProvider.delegate;
        return ((delegate === null || delegate === void 0 ? void 0 : delegate.setImmediate) || setImmediate2).apply(void 0, __spreadArray([], __read(args)));
      },
      clearImmediate: function(handle2) {
        var delegate = exports.immediateProvider.delegate;
        return ((delegate === null || delegate === void 0 ? void 0 : delegate.clearImmediate) || clearImmediate)(handle2);
      },
      delegate: void 0
    };
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/AsapAction.js
var require_AsapAction = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/AsapAction.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.AsapAction = void 0;
    var AsyncAction_1 = require_AsyncAction();
    var immediateProvider_1 = require_immediateProvider();
    var AsapAction = (function(_super) {
      __extends(AsapAction2, _super);
      function AsapAction2(scheduler, work) {
        var _this = _super.call(this, scheduler, work) || this;
        _this.scheduler = scheduler;
        _this.work = work;
        return _this;
      }
      AsapAction2.prototype.requestAsyncId = function(scheduler, id, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        if (delay !== null && delay > 0) {
          return _super.prototype.requestAsyncId.call(this, scheduler, id, delay);
        }
        scheduler.actions.push(this);
        return scheduler._scheduled || (scheduler._scheduled = immediateProvider_1.immediateProvider.setImmediate(scheduler.flush.bind(scheduler, void 0)));
      };
      AsapAction2.prototype.recycleAsyncId = function(scheduler, id, delay) {
        var _a;
        if (delay === void 0) {
          delay = 0;
        }
        if (delay != null ? delay > 0 : this.delay > 0) {
          return _super.prototype.recycleAsyncId.call(this, scheduler, id, delay);
        }
        var actions = scheduler.actions;
        if (id != null && ((_a = actions[actions.length - 1]) === null || _a === void 0 ? void 0 : _a.id) !== id) {
          immediateProvider_1.immediateProvider.clearImmediate(id);
          if (scheduler._scheduled === id) {
            scheduler._scheduled = void 0;
          }
        }
        return void 0;
      };
      return AsapAction2;
    })(AsyncAction_1.AsyncAction);
    exports.AsapAction = AsapAction;
  }
});

// node_modules/rxjs/dist/cjs/internal/Scheduler.js
var require_Scheduler = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/Scheduler.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Scheduler = void 0;
    var dateTimestampProvider_1 = require_dateTimestampProvider();
    var Scheduler = (function() {
      function Scheduler2(schedulerActionCtor, now) {
        if (now === void 0) {
          now = Scheduler2.now;
        }
        this.schedulerActionCtor = schedulerActionCtor;
        this.now = now;
      }
      Scheduler2.prototype.schedule = function(work, delay, state) {
        if (delay === void 0) {
          delay = 0;
        }
        return new this.schedulerActionCtor(this, work).schedule(state, delay);
      };
      Scheduler2.now = dateTimestampProvider_1.dateTimestampProvider.now;
      return Scheduler2;
    })();
    exports.Scheduler = Scheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/AsyncScheduler.js
var require_AsyncScheduler = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/AsyncScheduler.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.AsyncScheduler = void 0;
    var Scheduler_1 = require_Scheduler();
    var AsyncScheduler = (function(_super) {
      __extends(AsyncScheduler2, _super);
      function AsyncScheduler2(SchedulerAction, now) {
        if (now === void 0) {
          now = Scheduler_1.Scheduler.now;
        }
        var _this = _super.call(this, SchedulerAction, now) || this;
        _this.actions = [];
        _this._active = false;
        return _this;
      }
      AsyncScheduler2.prototype.flush = function(action) {
        var actions = this.actions;
        if (this._active) {
          actions.push(action);
          return;
        }
        var error;
        this._active = true;
        do {
          if (error = action.execute(action.state, action.delay)) {
            break;
          }
        } while (action = actions.shift());
        this._active = false;
        if (error) {
          while (action = actions.shift()) {
            action.unsubscribe();
          }
          throw error;
        }
      };
      return AsyncScheduler2;
    })(Scheduler_1.Scheduler);
    exports.AsyncScheduler = AsyncScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/AsapScheduler.js
var require_AsapScheduler = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/AsapScheduler.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.AsapScheduler = void 0;
    var AsyncScheduler_1 = require_AsyncScheduler();
    var AsapScheduler = (function(_super) {
      __extends(AsapScheduler2, _super);
      function AsapScheduler2() {
        return _super !== null && _super.apply(this, arguments) || this;
      }
      AsapScheduler2.prototype.flush = function(action) {
        this._active = true;
        var flushId = this._scheduled;
        this._scheduled = void 0;
        var actions = this.actions;
        var error;
        action = action || actions.shift();
        do {
          if (error = action.execute(action.state, action.delay)) {
            break;
          }
        } while ((action = actions[0]) && action.id === flushId && actions.shift());
        this._active = false;
        if (error) {
          while ((action = actions[0]) && action.id === flushId && actions.shift()) {
            action.unsubscribe();
          }
          throw error;
        }
      };
      return AsapScheduler2;
    })(AsyncScheduler_1.AsyncScheduler);
    exports.AsapScheduler = AsapScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/asap.js
var require_asap = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/asap.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.asap = exports.asapScheduler = void 0;
    var AsapAction_1 = require_AsapAction();
    var AsapScheduler_1 = require_AsapScheduler();
    exports.asapScheduler = new AsapScheduler_1.AsapScheduler(AsapAction_1.AsapAction);
    exports.asap = exports.asapScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/async.js
var require_async = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/async.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.async = exports.asyncScheduler = void 0;
    var AsyncAction_1 = require_AsyncAction();
    var AsyncScheduler_1 = require_AsyncScheduler();
    exports.asyncScheduler = new AsyncScheduler_1.AsyncScheduler(AsyncAction_1.AsyncAction);
    exports.async = exports.asyncScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/QueueAction.js
var require_QueueAction = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/QueueAction.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.QueueAction = void 0;
    var AsyncAction_1 = require_AsyncAction();
    var QueueAction = (function(_super) {
      __extends(QueueAction2, _super);
      function QueueAction2(scheduler, work) {
        var _this = _super.call(this, scheduler, work) || this;
        _this.scheduler = scheduler;
        _this.work = work;
        return _this;
      }
      QueueAction2.prototype.schedule = function(state, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        if (delay > 0) {
          return _super.prototype.schedule.call(this, state, delay);
        }
        this.delay = delay;
        this.state = state;
        this.scheduler.flush(this);
        return this;
      };
      QueueAction2.prototype.execute = function(state, delay) {
        return delay > 0 || this.closed ? _super.prototype.execute.call(this, state, delay) : this._execute(state, delay);
      };
      QueueAction2.prototype.requestAsyncId = function(scheduler, id, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        if (delay != null && delay > 0 || delay == null && this.delay > 0) {
          return _super.prototype.requestAsyncId.call(this, scheduler, id, delay);
        }
        scheduler.flush(this);
        return 0;
      };
      return QueueAction2;
    })(AsyncAction_1.AsyncAction);
    exports.QueueAction = QueueAction;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/QueueScheduler.js
var require_QueueScheduler = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/QueueScheduler.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.QueueScheduler = void 0;
    var AsyncScheduler_1 = require_AsyncScheduler();
    var QueueScheduler = (function(_super) {
      __extends(QueueScheduler2, _super);
      function QueueScheduler2() {
        return _super !== null && _super.apply(this, arguments) || this;
      }
      return QueueScheduler2;
    })(AsyncScheduler_1.AsyncScheduler);
    exports.QueueScheduler = QueueScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/queue.js
var require_queue = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/queue.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.queue = exports.queueScheduler = void 0;
    var QueueAction_1 = require_QueueAction();
    var QueueScheduler_1 = require_QueueScheduler();
    exports.queueScheduler = new QueueScheduler_1.QueueScheduler(QueueAction_1.QueueAction);
    exports.queue = exports.queueScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/AnimationFrameAction.js
var require_AnimationFrameAction = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/AnimationFrameAction.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.AnimationFrameAction = void 0;
    var AsyncAction_1 = require_AsyncAction();
    var animationFrameProvider_1 = require_animationFrameProvider();
    var AnimationFrameAction = (function(_super) {
      __extends(AnimationFrameAction2, _super);
      function AnimationFrameAction2(scheduler, work) {
        var _this = _super.call(this, scheduler, work) || this;
        _this.scheduler = scheduler;
        _this.work = work;
        return _this;
      }
      AnimationFrameAction2.prototype.requestAsyncId = function(scheduler, id, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        if (delay !== null && delay > 0) {
          return _super.prototype.requestAsyncId.call(this, scheduler, id, delay);
        }
        scheduler.actions.push(this);
        return scheduler._scheduled || (scheduler._scheduled = animationFrameProvider_1.animationFrameProvider.requestAnimationFrame(function() {
          return scheduler.flush(void 0);
        }));
      };
      AnimationFrameAction2.prototype.recycleAsyncId = function(scheduler, id, delay) {
        var _a;
        if (delay === void 0) {
          delay = 0;
        }
        if (delay != null ? delay > 0 : this.delay > 0) {
          return _super.prototype.recycleAsyncId.call(this, scheduler, id, delay);
        }
        var actions = scheduler.actions;
        if (id != null && id === scheduler._scheduled && ((_a = actions[actions.length - 1]) === null || _a === void 0 ? void 0 : _a.id) !== id) {
          animationFrameProvider_1.animationFrameProvider.cancelAnimationFrame(id);
          scheduler._scheduled = void 0;
        }
        return void 0;
      };
      return AnimationFrameAction2;
    })(AsyncAction_1.AsyncAction);
    exports.AnimationFrameAction = AnimationFrameAction;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/AnimationFrameScheduler.js
var require_AnimationFrameScheduler = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/AnimationFrameScheduler.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.AnimationFrameScheduler = void 0;
    var AsyncScheduler_1 = require_AsyncScheduler();
    var AnimationFrameScheduler = (function(_super) {
      __extends(AnimationFrameScheduler2, _super);
      function AnimationFrameScheduler2() {
        return _super !== null && _super.apply(this, arguments) || this;
      }
      AnimationFrameScheduler2.prototype.flush = function(action) {
        this._active = true;
        var flushId;
        if (action) {
          flushId = action.id;
        } else {
          flushId = this._scheduled;
          this._scheduled = void 0;
        }
        var actions = this.actions;
        var error;
        action = action || actions.shift();
        do {
          if (error = action.execute(action.state, action.delay)) {
            break;
          }
        } while ((action = actions[0]) && action.id === flushId && actions.shift());
        this._active = false;
        if (error) {
          while ((action = actions[0]) && action.id === flushId && actions.shift()) {
            action.unsubscribe();
          }
          throw error;
        }
      };
      return AnimationFrameScheduler2;
    })(AsyncScheduler_1.AsyncScheduler);
    exports.AnimationFrameScheduler = AnimationFrameScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/animationFrame.js
var require_animationFrame = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/animationFrame.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.animationFrame = exports.animationFrameScheduler = void 0;
    var AnimationFrameAction_1 = require_AnimationFrameAction();
    var AnimationFrameScheduler_1 = require_AnimationFrameScheduler();
    exports.animationFrameScheduler = new AnimationFrameScheduler_1.AnimationFrameScheduler(AnimationFrameAction_1.AnimationFrameAction);
    exports.animationFrame = exports.animationFrameScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduler/VirtualTimeScheduler.js
var require_VirtualTimeScheduler = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduler/VirtualTimeScheduler.js"(exports) {
    "use strict";
    var __extends = exports && exports.__extends || /* @__PURE__ */ (function() {
      var extendStatics = function(d, b) {
        extendStatics = Object.setPrototypeOf || { __proto__: [] } instanceof Array && function(d2, b2) {
          d2.__proto__ = b2;
        } || function(d2, b2) {
          for (var p in b2) if (Object.prototype.hasOwnProperty.call(b2, p)) d2[p] = b2[p];
        };
        return extendStatics(d, b);
      };
      return function(d, b) {
        if (typeof b !== "function" && b !== null)
          throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() {
          this.constructor = d;
        }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
      };
    })();
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.VirtualAction = exports.VirtualTimeScheduler = void 0;
    var AsyncAction_1 = require_AsyncAction();
    var Subscription_1 = require_Subscription();
    var AsyncScheduler_1 = require_AsyncScheduler();
    var VirtualTimeScheduler = (function(_super) {
      __extends(VirtualTimeScheduler2, _super);
      function VirtualTimeScheduler2(schedulerActionCtor, maxFrames) {
        if (schedulerActionCtor === void 0) {
          schedulerActionCtor = VirtualAction;
        }
        if (maxFrames === void 0) {
          maxFrames = Infinity;
        }
        var _this = _super.call(this, schedulerActionCtor, function() {
          return _this.frame;
        }) || this;
        _this.maxFrames = maxFrames;
        _this.frame = 0;
        _this.index = -1;
        return _this;
      }
      VirtualTimeScheduler2.prototype.flush = function() {
        var _a = this, actions = _a.actions, maxFrames = _a.maxFrames;
        var error;
        var action;
        while ((action = actions[0]) && action.delay <= maxFrames) {
          actions.shift();
          this.frame = action.delay;
          if (error = action.execute(action.state, action.delay)) {
            break;
          }
        }
        if (error) {
          while (action = actions.shift()) {
            action.unsubscribe();
          }
          throw error;
        }
      };
      VirtualTimeScheduler2.frameTimeFactor = 10;
      return VirtualTimeScheduler2;
    })(AsyncScheduler_1.AsyncScheduler);
    exports.VirtualTimeScheduler = VirtualTimeScheduler;
    var VirtualAction = (function(_super) {
      __extends(VirtualAction2, _super);
      function VirtualAction2(scheduler, work, index) {
        if (index === void 0) {
          index = scheduler.index += 1;
        }
        var _this = _super.call(this, scheduler, work) || this;
        _this.scheduler = scheduler;
        _this.work = work;
        _this.index = index;
        _this.active = true;
        _this.index = scheduler.index = index;
        return _this;
      }
      VirtualAction2.prototype.schedule = function(state, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        if (Number.isFinite(delay)) {
          if (!this.id) {
            return _super.prototype.schedule.call(this, state, delay);
          }
          this.active = false;
          var action = new VirtualAction2(this.scheduler, this.work);
          this.add(action);
          return action.schedule(state, delay);
        } else {
          return Subscription_1.Subscription.EMPTY;
        }
      };
      VirtualAction2.prototype.requestAsyncId = function(scheduler, id, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        this.delay = scheduler.frame + delay;
        var actions = scheduler.actions;
        actions.push(this);
        actions.sort(VirtualAction2.sortActions);
        return 1;
      };
      VirtualAction2.prototype.recycleAsyncId = function(scheduler, id, delay) {
        if (delay === void 0) {
          delay = 0;
        }
        return void 0;
      };
      VirtualAction2.prototype._execute = function(state, delay) {
        if (this.active === true) {
          return _super.prototype._execute.call(this, state, delay);
        }
      };
      VirtualAction2.sortActions = function(a, b) {
        if (a.delay === b.delay) {
          if (a.index === b.index) {
            return 0;
          } else if (a.index > b.index) {
            return 1;
          } else {
            return -1;
          }
        } else if (a.delay > b.delay) {
          return 1;
        } else {
          return -1;
        }
      };
      return VirtualAction2;
    })(AsyncAction_1.AsyncAction);
    exports.VirtualAction = VirtualAction;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/empty.js
var require_empty = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/empty.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.empty = exports.EMPTY = void 0;
    var Observable_1 = require_Observable();
    exports.EMPTY = new Observable_1.Observable(function(subscriber) {
      return subscriber.complete();
    });
    function empty(scheduler) {
      return scheduler ? emptyScheduled(scheduler) : exports.EMPTY;
    }
    exports.empty = empty;
    function emptyScheduled(scheduler) {
      return new Observable_1.Observable(function(subscriber) {
        return scheduler.schedule(function() {
          return subscriber.complete();
        });
      });
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isScheduler.js
var require_isScheduler = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isScheduler.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isScheduler = void 0;
    var isFunction_1 = require_isFunction();
    function isScheduler(value) {
      return value && isFunction_1.isFunction(value.schedule);
    }
    exports.isScheduler = isScheduler;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/args.js
var require_args = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/args.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.popNumber = exports.popScheduler = exports.popResultSelector = void 0;
    var isFunction_1 = require_isFunction();
    var isScheduler_1 = require_isScheduler();
    function last(arr) {
      return arr[arr.length - 1];
    }
    function popResultSelector(args) {
      return isFunction_1.isFunction(last(args)) ? args.pop() : void 0;
    }
    exports.popResultSelector = popResultSelector;
    function popScheduler(args) {
      return isScheduler_1.isScheduler(last(args)) ? args.pop() : void 0;
    }
    exports.popScheduler = popScheduler;
    function popNumber(args, defaultValue) {
      return typeof last(args) === "number" ? args.pop() : defaultValue;
    }
    exports.popNumber = popNumber;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isArrayLike.js
var require_isArrayLike = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isArrayLike.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isArrayLike = void 0;
    exports.isArrayLike = (function(x) {
      return x && typeof x.length === "number" && typeof x !== "function";
    });
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isPromise.js
var require_isPromise = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isPromise.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isPromise = void 0;
    var isFunction_1 = require_isFunction();
    function isPromise(value) {
      return isFunction_1.isFunction(value === null || value === void 0 ? void 0 : value.then);
    }
    exports.isPromise = isPromise;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isInteropObservable.js
var require_isInteropObservable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isInteropObservable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isInteropObservable = void 0;
    var observable_1 = require_observable();
    var isFunction_1 = require_isFunction();
    function isInteropObservable(input) {
      return isFunction_1.isFunction(input[observable_1.observable]);
    }
    exports.isInteropObservable = isInteropObservable;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isAsyncIterable.js
var require_isAsyncIterable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isAsyncIterable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isAsyncIterable = void 0;
    var isFunction_1 = require_isFunction();
    function isAsyncIterable(obj) {
      return Symbol.asyncIterator && isFunction_1.isFunction(obj === null || obj === void 0 ? void 0 : obj[Symbol.asyncIterator]);
    }
    exports.isAsyncIterable = isAsyncIterable;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/throwUnobservableError.js
var require_throwUnobservableError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/throwUnobservableError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.createInvalidObservableTypeError = void 0;
    function createInvalidObservableTypeError(input) {
      return new TypeError("You provided " + (input !== null && typeof input === "object" ? "an invalid object" : "'" + input + "'") + " where a stream was expected. You can provide an Observable, Promise, ReadableStream, Array, AsyncIterable, or Iterable.");
    }
    exports.createInvalidObservableTypeError = createInvalidObservableTypeError;
  }
});

// node_modules/rxjs/dist/cjs/internal/symbol/iterator.js
var require_iterator = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/symbol/iterator.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.iterator = exports.getSymbolIterator = void 0;
    function getSymbolIterator() {
      if (typeof Symbol !== "function" || !Symbol.iterator) {
        return "@@iterator";
      }
      return Symbol.iterator;
    }
    exports.getSymbolIterator = getSymbolIterator;
    exports.iterator = getSymbolIterator();
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isIterable.js
var require_isIterable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isIterable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isIterable = void 0;
    var iterator_1 = require_iterator();
    var isFunction_1 = require_isFunction();
    function isIterable(input) {
      return isFunction_1.isFunction(input === null || input === void 0 ? void 0 : input[iterator_1.iterator]);
    }
    exports.isIterable = isIterable;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isReadableStreamLike.js
var require_isReadableStreamLike = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isReadableStreamLike.js"(exports) {
    "use strict";
    var __generator = exports && exports.__generator || function(thisArg, body) {
      var _ = { label: 0, sent: function() {
        if (t[0] & 1) throw t[1];
        return t[1];
      }, trys: [], ops: [] }, f, y, t, g;
      return g = { next: verb(0), "throw": verb(1), "return": verb(2) }, typeof Symbol === "function" && (g[Symbol.iterator] = function() {
        return this;
      }), g;
      function verb(n3) {
        return function(v) {
          return step([n3, v]);
        };
      }
      function step(op) {
        if (f) throw new TypeError("Generator is already executing.");
        while (_) try {
          if (f = 1, y && (t = op[0] & 2 ? y["return"] : op[0] ? y["throw"] || ((t = y["return"]) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
          if (y = 0, t) op = [op[0] & 2, t.value];
          switch (op[0]) {
            case 0:
            case 1:
              t = op;
              break;
            case 4:
              _.label++;
              return { value: op[1], done: false };
            case 5:
              _.label++;
              y = op[1];
              op = [0];
              continue;
            case 7:
              op = _.ops.pop();
              _.trys.pop();
              continue;
            default:
              if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) {
                _ = 0;
                continue;
              }
              if (op[0] === 3 && (!t || op[1] > t[0] && op[1] < t[3])) {
                _.label = op[1];
                break;
              }
              if (op[0] === 6 && _.label < t[1]) {
                _.label = t[1];
                t = op;
                break;
              }
              if (t && _.label < t[2]) {
                _.label = t[2];
                _.ops.push(op);
                break;
              }
              if (t[2]) _.ops.pop();
              _.trys.pop();
              continue;
          }
          op = body.call(thisArg, _);
        } catch (e) {
          op = [6, e];
          y = 0;
        } finally {
          f = t = 0;
        }
        if (op[0] & 5) throw op[1];
        return { value: op[0] ? op[1] : void 0, done: true };
      }
    };
    var __await = exports && exports.__await || function(v) {
      return this instanceof __await ? (this.v = v, this) : new __await(v);
    };
    var __asyncGenerator = exports && exports.__asyncGenerator || function(thisArg, _arguments, generator) {
      if (!Symbol.asyncIterator) throw new TypeError("Symbol.asyncIterator is not defined.");
      var g = generator.apply(thisArg, _arguments || []), i, q = [];
      return i = {}, verb("next"), verb("throw"), verb("return"), i[Symbol.asyncIterator] = function() {
        return this;
      }, i;
      function verb(n3) {
        if (g[n3]) i[n3] = function(v) {
          return new Promise(function(a, b) {
            q.push([n3, v, a, b]) > 1 || resume(n3, v);
          });
        };
      }
      function resume(n3, v) {
        try {
          step(g[n3](v));
        } catch (e) {
          settle(q[0][3], e);
        }
      }
      function step(r) {
        r.value instanceof __await ? Promise.resolve(r.value.v).then(fulfill, reject) : settle(q[0][2], r);
      }
      function fulfill(value) {
        resume("next", value);
      }
      function reject(value) {
        resume("throw", value);
      }
      function settle(f, v) {
        if (f(v), q.shift(), q.length) resume(q[0][0], q[0][1]);
      }
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isReadableStreamLike = exports.readableStreamLikeToAsyncGenerator = void 0;
    var isFunction_1 = require_isFunction();
    function readableStreamLikeToAsyncGenerator(readableStream) {
      return __asyncGenerator(this, arguments, function readableStreamLikeToAsyncGenerator_1() {
        var reader, _a, value, done;
        return __generator(this, function(_b) {
          switch (_b.label) {
            case 0:
              reader = readableStream.getReader();
              _b.label = 1;
            case 1:
              _b.trys.push([1, , 9, 10]);
              _b.label = 2;
            case 2:
              if (false) return [3, 8];
              return [4, __await(reader.read())];
            case 3:
              _a = _b.sent(), value = _a.value, done = _a.done;
              if (!done) return [3, 5];
              return [4, __await(void 0)];
            case 4:
              return [2, _b.sent()];
            case 5:
              return [4, __await(value)];
            case 6:
              return [4, _b.sent()];
            case 7:
              _b.sent();
              return [3, 2];
            case 8:
              return [3, 10];
            case 9:
              reader.releaseLock();
              return [7];
            case 10:
              return [2];
          }
        });
      });
    }
    exports.readableStreamLikeToAsyncGenerator = readableStreamLikeToAsyncGenerator;
    function isReadableStreamLike(obj) {
      return isFunction_1.isFunction(obj === null || obj === void 0 ? void 0 : obj.getReader);
    }
    exports.isReadableStreamLike = isReadableStreamLike;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/innerFrom.js
var require_innerFrom = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/innerFrom.js"(exports) {
    "use strict";
    var __awaiter = exports && exports.__awaiter || function(thisArg, _arguments, P, generator) {
      function adopt(value) {
        return value instanceof P ? value : new P(function(resolve2) {
          resolve2(value);
        });
      }
      return new (P || (P = Promise))(function(resolve2, reject) {
        function fulfilled(value) {
          try {
            step(generator.next(value));
          } catch (e) {
            reject(e);
          }
        }
        function rejected(value) {
          try {
            step(generator["throw"](value));
          } catch (e) {
            reject(e);
          }
        }
        function step(result) {
          result.done ? resolve2(result.value) : adopt(result.value).then(fulfilled, rejected);
        }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
      });
    };
    var __generator = exports && exports.__generator || function(thisArg, body) {
      var _ = { label: 0, sent: function() {
        if (t[0] & 1) throw t[1];
        return t[1];
      }, trys: [], ops: [] }, f, y, t, g;
      return g = { next: verb(0), "throw": verb(1), "return": verb(2) }, typeof Symbol === "function" && (g[Symbol.iterator] = function() {
        return this;
      }), g;
      function verb(n3) {
        return function(v) {
          return step([n3, v]);
        };
      }
      function step(op) {
        if (f) throw new TypeError("Generator is already executing.");
        while (_) try {
          if (f = 1, y && (t = op[0] & 2 ? y["return"] : op[0] ? y["throw"] || ((t = y["return"]) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
          if (y = 0, t) op = [op[0] & 2, t.value];
          switch (op[0]) {
            case 0:
            case 1:
              t = op;
              break;
            case 4:
              _.label++;
              return { value: op[1], done: false };
            case 5:
              _.label++;
              y = op[1];
              op = [0];
              continue;
            case 7:
              op = _.ops.pop();
              _.trys.pop();
              continue;
            default:
              if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) {
                _ = 0;
                continue;
              }
              if (op[0] === 3 && (!t || op[1] > t[0] && op[1] < t[3])) {
                _.label = op[1];
                break;
              }
              if (op[0] === 6 && _.label < t[1]) {
                _.label = t[1];
                t = op;
                break;
              }
              if (t && _.label < t[2]) {
                _.label = t[2];
                _.ops.push(op);
                break;
              }
              if (t[2]) _.ops.pop();
              _.trys.pop();
              continue;
          }
          op = body.call(thisArg, _);
        } catch (e) {
          op = [6, e];
          y = 0;
        } finally {
          f = t = 0;
        }
        if (op[0] & 5) throw op[1];
        return { value: op[0] ? op[1] : void 0, done: true };
      }
    };
    var __asyncValues = exports && exports.__asyncValues || function(o) {
      if (!Symbol.asyncIterator) throw new TypeError("Symbol.asyncIterator is not defined.");
      var m = o[Symbol.asyncIterator], i;
      return m ? m.call(o) : (o = typeof __values === "function" ? __values(o) : o[Symbol.iterator](), i = {}, verb("next"), verb("throw"), verb("return"), i[Symbol.asyncIterator] = function() {
        return this;
      }, i);
      function verb(n3) {
        i[n3] = o[n3] && function(v) {
          return new Promise(function(resolve2, reject) {
            v = o[n3](v), settle(resolve2, reject, v.done, v.value);
          });
        };
      }
      function settle(resolve2, reject, d, v) {
        Promise.resolve(v).then(function(v2) {
          resolve2({ value: v2, done: d });
        }, reject);
      }
    };
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.fromReadableStreamLike = exports.fromAsyncIterable = exports.fromIterable = exports.fromPromise = exports.fromArrayLike = exports.fromInteropObservable = exports.innerFrom = void 0;
    var isArrayLike_1 = require_isArrayLike();
    var isPromise_1 = require_isPromise();
    var Observable_1 = require_Observable();
    var isInteropObservable_1 = require_isInteropObservable();
    var isAsyncIterable_1 = require_isAsyncIterable();
    var throwUnobservableError_1 = require_throwUnobservableError();
    var isIterable_1 = require_isIterable();
    var isReadableStreamLike_1 = require_isReadableStreamLike();
    var isFunction_1 = require_isFunction();
    var reportUnhandledError_1 = require_reportUnhandledError();
    var observable_1 = require_observable();
    function innerFrom(input) {
      if (input instanceof Observable_1.Observable) {
        return input;
      }
      if (input != null) {
        if (isInteropObservable_1.isInteropObservable(input)) {
          return fromInteropObservable(input);
        }
        if (isArrayLike_1.isArrayLike(input)) {
          return fromArrayLike(input);
        }
        if (isPromise_1.isPromise(input)) {
          return fromPromise(input);
        }
        if (isAsyncIterable_1.isAsyncIterable(input)) {
          return fromAsyncIterable(input);
        }
        if (isIterable_1.isIterable(input)) {
          return fromIterable(input);
        }
        if (isReadableStreamLike_1.isReadableStreamLike(input)) {
          return fromReadableStreamLike(input);
        }
      }
      throw throwUnobservableError_1.createInvalidObservableTypeError(input);
    }
    exports.innerFrom = innerFrom;
    function fromInteropObservable(obj) {
      return new Observable_1.Observable(function(subscriber) {
        var obs = obj[observable_1.observable]();
        if (isFunction_1.isFunction(obs.subscribe)) {
          return obs.subscribe(subscriber);
        }
        throw new TypeError("Provided object does not correctly implement Symbol.observable");
      });
    }
    exports.fromInteropObservable = fromInteropObservable;
    function fromArrayLike(array) {
      return new Observable_1.Observable(function(subscriber) {
        for (var i = 0; i < array.length && !subscriber.closed; i++) {
          subscriber.next(array[i]);
        }
        subscriber.complete();
      });
    }
    exports.fromArrayLike = fromArrayLike;
    function fromPromise(promise) {
      return new Observable_1.Observable(function(subscriber) {
        promise.then(function(value) {
          if (!subscriber.closed) {
            subscriber.next(value);
            subscriber.complete();
          }
        }, function(err) {
          return subscriber.error(err);
        }).then(null, reportUnhandledError_1.reportUnhandledError);
      });
    }
    exports.fromPromise = fromPromise;
    function fromIterable(iterable) {
      return new Observable_1.Observable(function(subscriber) {
        var e_1, _a;
        try {
          for (var iterable_1 = __values(iterable), iterable_1_1 = iterable_1.next(); !iterable_1_1.done; iterable_1_1 = iterable_1.next()) {
            var value = iterable_1_1.value;
            subscriber.next(value);
            if (subscriber.closed) {
              return;
            }
          }
        } catch (e_1_1) {
          e_1 = { error: e_1_1 };
        } finally {
          try {
            if (iterable_1_1 && !iterable_1_1.done && (_a = iterable_1.return)) _a.call(iterable_1);
          } finally {
            if (e_1) throw e_1.error;
          }
        }
        subscriber.complete();
      });
    }
    exports.fromIterable = fromIterable;
    function fromAsyncIterable(asyncIterable) {
      return new Observable_1.Observable(function(subscriber) {
        process2(asyncIterable, subscriber).catch(function(err) {
          return subscriber.error(err);
        });
      });
    }
    exports.fromAsyncIterable = fromAsyncIterable;
    function fromReadableStreamLike(readableStream) {
      return fromAsyncIterable(isReadableStreamLike_1.readableStreamLikeToAsyncGenerator(readableStream));
    }
    exports.fromReadableStreamLike = fromReadableStreamLike;
    function process2(asyncIterable, subscriber) {
      var asyncIterable_1, asyncIterable_1_1;
      var e_2, _a;
      return __awaiter(this, void 0, void 0, function() {
        var value, e_2_1;
        return __generator(this, function(_b) {
          switch (_b.label) {
            case 0:
              _b.trys.push([0, 5, 6, 11]);
              asyncIterable_1 = __asyncValues(asyncIterable);
              _b.label = 1;
            case 1:
              return [4, asyncIterable_1.next()];
            case 2:
              if (!(asyncIterable_1_1 = _b.sent(), !asyncIterable_1_1.done)) return [3, 4];
              value = asyncIterable_1_1.value;
              subscriber.next(value);
              if (subscriber.closed) {
                return [2];
              }
              _b.label = 3;
            case 3:
              return [3, 1];
            case 4:
              return [3, 11];
            case 5:
              e_2_1 = _b.sent();
              e_2 = { error: e_2_1 };
              return [3, 11];
            case 6:
              _b.trys.push([6, , 9, 10]);
              if (!(asyncIterable_1_1 && !asyncIterable_1_1.done && (_a = asyncIterable_1.return))) return [3, 8];
              return [4, _a.call(asyncIterable_1)];
            case 7:
              _b.sent();
              _b.label = 8;
            case 8:
              return [3, 10];
            case 9:
              if (e_2) throw e_2.error;
              return [7];
            case 10:
              return [7];
            case 11:
              subscriber.complete();
              return [2];
          }
        });
      });
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/util/executeSchedule.js
var require_executeSchedule = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/executeSchedule.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.executeSchedule = void 0;
    function executeSchedule(parentSubscription, scheduler, work, delay, repeat) {
      if (delay === void 0) {
        delay = 0;
      }
      if (repeat === void 0) {
        repeat = false;
      }
      var scheduleSubscription = scheduler.schedule(function() {
        work();
        if (repeat) {
          parentSubscription.add(this.schedule(null, delay));
        } else {
          this.unsubscribe();
        }
      }, delay);
      parentSubscription.add(scheduleSubscription);
      if (!repeat) {
        return scheduleSubscription;
      }
    }
    exports.executeSchedule = executeSchedule;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/observeOn.js
var require_observeOn = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/observeOn.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.observeOn = void 0;
    var executeSchedule_1 = require_executeSchedule();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function observeOn(scheduler, delay) {
      if (delay === void 0) {
        delay = 0;
      }
      return lift_1.operate(function(source, subscriber) {
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          return executeSchedule_1.executeSchedule(subscriber, scheduler, function() {
            return subscriber.next(value);
          }, delay);
        }, function() {
          return executeSchedule_1.executeSchedule(subscriber, scheduler, function() {
            return subscriber.complete();
          }, delay);
        }, function(err) {
          return executeSchedule_1.executeSchedule(subscriber, scheduler, function() {
            return subscriber.error(err);
          }, delay);
        }));
      });
    }
    exports.observeOn = observeOn;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/subscribeOn.js
var require_subscribeOn = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/subscribeOn.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.subscribeOn = void 0;
    var lift_1 = require_lift();
    function subscribeOn(scheduler, delay) {
      if (delay === void 0) {
        delay = 0;
      }
      return lift_1.operate(function(source, subscriber) {
        subscriber.add(scheduler.schedule(function() {
          return source.subscribe(subscriber);
        }, delay));
      });
    }
    exports.subscribeOn = subscribeOn;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduled/scheduleObservable.js
var require_scheduleObservable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduled/scheduleObservable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scheduleObservable = void 0;
    var innerFrom_1 = require_innerFrom();
    var observeOn_1 = require_observeOn();
    var subscribeOn_1 = require_subscribeOn();
    function scheduleObservable(input, scheduler) {
      return innerFrom_1.innerFrom(input).pipe(subscribeOn_1.subscribeOn(scheduler), observeOn_1.observeOn(scheduler));
    }
    exports.scheduleObservable = scheduleObservable;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduled/schedulePromise.js
var require_schedulePromise = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduled/schedulePromise.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.schedulePromise = void 0;
    var innerFrom_1 = require_innerFrom();
    var observeOn_1 = require_observeOn();
    var subscribeOn_1 = require_subscribeOn();
    function schedulePromise(input, scheduler) {
      return innerFrom_1.innerFrom(input).pipe(subscribeOn_1.subscribeOn(scheduler), observeOn_1.observeOn(scheduler));
    }
    exports.schedulePromise = schedulePromise;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduled/scheduleArray.js
var require_scheduleArray = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduled/scheduleArray.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scheduleArray = void 0;
    var Observable_1 = require_Observable();
    function scheduleArray(input, scheduler) {
      return new Observable_1.Observable(function(subscriber) {
        var i = 0;
        return scheduler.schedule(function() {
          if (i === input.length) {
            subscriber.complete();
          } else {
            subscriber.next(input[i++]);
            if (!subscriber.closed) {
              this.schedule();
            }
          }
        });
      });
    }
    exports.scheduleArray = scheduleArray;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduled/scheduleIterable.js
var require_scheduleIterable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduled/scheduleIterable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scheduleIterable = void 0;
    var Observable_1 = require_Observable();
    var iterator_1 = require_iterator();
    var isFunction_1 = require_isFunction();
    var executeSchedule_1 = require_executeSchedule();
    function scheduleIterable(input, scheduler) {
      return new Observable_1.Observable(function(subscriber) {
        var iterator;
        executeSchedule_1.executeSchedule(subscriber, scheduler, function() {
          iterator = input[iterator_1.iterator]();
          executeSchedule_1.executeSchedule(subscriber, scheduler, function() {
            var _a;
            var value;
            var done;
            try {
              _a = iterator.next(), value = _a.value, done = _a.done;
            } catch (err) {
              subscriber.error(err);
              return;
            }
            if (done) {
              subscriber.complete();
            } else {
              subscriber.next(value);
            }
          }, 0, true);
        });
        return function() {
          return isFunction_1.isFunction(iterator === null || iterator === void 0 ? void 0 : iterator.return) && iterator.return();
        };
      });
    }
    exports.scheduleIterable = scheduleIterable;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduled/scheduleAsyncIterable.js
var require_scheduleAsyncIterable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduled/scheduleAsyncIterable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scheduleAsyncIterable = void 0;
    var Observable_1 = require_Observable();
    var executeSchedule_1 = require_executeSchedule();
    function scheduleAsyncIterable(input, scheduler) {
      if (!input) {
        throw new Error("Iterable cannot be null");
      }
      return new Observable_1.Observable(function(subscriber) {
        executeSchedule_1.executeSchedule(subscriber, scheduler, function() {
          var iterator = input[Symbol.asyncIterator]();
          executeSchedule_1.executeSchedule(subscriber, scheduler, function() {
            iterator.next().then(function(result) {
              if (result.done) {
                subscriber.complete();
              } else {
                subscriber.next(result.value);
              }
            });
          }, 0, true);
        });
      });
    }
    exports.scheduleAsyncIterable = scheduleAsyncIterable;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduled/scheduleReadableStreamLike.js
var require_scheduleReadableStreamLike = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduled/scheduleReadableStreamLike.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scheduleReadableStreamLike = void 0;
    var scheduleAsyncIterable_1 = require_scheduleAsyncIterable();
    var isReadableStreamLike_1 = require_isReadableStreamLike();
    function scheduleReadableStreamLike(input, scheduler) {
      return scheduleAsyncIterable_1.scheduleAsyncIterable(isReadableStreamLike_1.readableStreamLikeToAsyncGenerator(input), scheduler);
    }
    exports.scheduleReadableStreamLike = scheduleReadableStreamLike;
  }
});

// node_modules/rxjs/dist/cjs/internal/scheduled/scheduled.js
var require_scheduled = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/scheduled/scheduled.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scheduled = void 0;
    var scheduleObservable_1 = require_scheduleObservable();
    var schedulePromise_1 = require_schedulePromise();
    var scheduleArray_1 = require_scheduleArray();
    var scheduleIterable_1 = require_scheduleIterable();
    var scheduleAsyncIterable_1 = require_scheduleAsyncIterable();
    var isInteropObservable_1 = require_isInteropObservable();
    var isPromise_1 = require_isPromise();
    var isArrayLike_1 = require_isArrayLike();
    var isIterable_1 = require_isIterable();
    var isAsyncIterable_1 = require_isAsyncIterable();
    var throwUnobservableError_1 = require_throwUnobservableError();
    var isReadableStreamLike_1 = require_isReadableStreamLike();
    var scheduleReadableStreamLike_1 = require_scheduleReadableStreamLike();
    function scheduled(input, scheduler) {
      if (input != null) {
        if (isInteropObservable_1.isInteropObservable(input)) {
          return scheduleObservable_1.scheduleObservable(input, scheduler);
        }
        if (isArrayLike_1.isArrayLike(input)) {
          return scheduleArray_1.scheduleArray(input, scheduler);
        }
        if (isPromise_1.isPromise(input)) {
          return schedulePromise_1.schedulePromise(input, scheduler);
        }
        if (isAsyncIterable_1.isAsyncIterable(input)) {
          return scheduleAsyncIterable_1.scheduleAsyncIterable(input, scheduler);
        }
        if (isIterable_1.isIterable(input)) {
          return scheduleIterable_1.scheduleIterable(input, scheduler);
        }
        if (isReadableStreamLike_1.isReadableStreamLike(input)) {
          return scheduleReadableStreamLike_1.scheduleReadableStreamLike(input, scheduler);
        }
      }
      throw throwUnobservableError_1.createInvalidObservableTypeError(input);
    }
    exports.scheduled = scheduled;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/from.js
var require_from = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/from.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.from = void 0;
    var scheduled_1 = require_scheduled();
    var innerFrom_1 = require_innerFrom();
    function from2(input, scheduler) {
      return scheduler ? scheduled_1.scheduled(input, scheduler) : innerFrom_1.innerFrom(input);
    }
    exports.from = from2;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/of.js
var require_of = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/of.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.of = void 0;
    var args_1 = require_args();
    var from_1 = require_from();
    function of() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      var scheduler = args_1.popScheduler(args);
      return from_1.from(args, scheduler);
    }
    exports.of = of;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/throwError.js
var require_throwError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/throwError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.throwError = void 0;
    var Observable_1 = require_Observable();
    var isFunction_1 = require_isFunction();
    function throwError(errorOrErrorFactory, scheduler) {
      var errorFactory = isFunction_1.isFunction(errorOrErrorFactory) ? errorOrErrorFactory : function() {
        return errorOrErrorFactory;
      };
      var init = function(subscriber) {
        return subscriber.error(errorFactory());
      };
      return new Observable_1.Observable(scheduler ? function(subscriber) {
        return scheduler.schedule(init, 0, subscriber);
      } : init);
    }
    exports.throwError = throwError;
  }
});

// node_modules/rxjs/dist/cjs/internal/Notification.js
var require_Notification = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/Notification.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.observeNotification = exports.Notification = exports.NotificationKind = void 0;
    var empty_1 = require_empty();
    var of_1 = require_of();
    var throwError_1 = require_throwError();
    var isFunction_1 = require_isFunction();
    var NotificationKind;
    (function(NotificationKind2) {
      NotificationKind2["NEXT"] = "N";
      NotificationKind2["ERROR"] = "E";
      NotificationKind2["COMPLETE"] = "C";
    })(NotificationKind = exports.NotificationKind || (exports.NotificationKind = {}));
    var Notification = (function() {
      function Notification2(kind, value, error) {
        this.kind = kind;
        this.value = value;
        this.error = error;
        this.hasValue = kind === "N";
      }
      Notification2.prototype.observe = function(observer) {
        return observeNotification(this, observer);
      };
      Notification2.prototype.do = function(nextHandler, errorHandler, completeHandler) {
        var _a = this, kind = _a.kind, value = _a.value, error = _a.error;
        return kind === "N" ? nextHandler === null || nextHandler === void 0 ? void 0 : nextHandler(value) : kind === "E" ? errorHandler === null || errorHandler === void 0 ? void 0 : errorHandler(error) : completeHandler === null || completeHandler === void 0 ? void 0 : completeHandler();
      };
      Notification2.prototype.accept = function(nextOrObserver, error, complete) {
        var _a;
        return isFunction_1.isFunction((_a = nextOrObserver) === null || _a === void 0 ? void 0 : _a.next) ? this.observe(nextOrObserver) : this.do(nextOrObserver, error, complete);
      };
      Notification2.prototype.toObservable = function() {
        var _a = this, kind = _a.kind, value = _a.value, error = _a.error;
        var result = kind === "N" ? of_1.of(value) : kind === "E" ? throwError_1.throwError(function() {
          return error;
        }) : kind === "C" ? empty_1.EMPTY : 0;
        if (!result) {
          throw new TypeError("Unexpected notification kind " + kind);
        }
        return result;
      };
      Notification2.createNext = function(value) {
        return new Notification2("N", value);
      };
      Notification2.createError = function(err) {
        return new Notification2("E", void 0, err);
      };
      Notification2.createComplete = function() {
        return Notification2.completeNotification;
      };
      Notification2.completeNotification = new Notification2("C");
      return Notification2;
    })();
    exports.Notification = Notification;
    function observeNotification(notification, observer) {
      var _a, _b, _c;
      var _d = notification, kind = _d.kind, value = _d.value, error = _d.error;
      if (typeof kind !== "string") {
        throw new TypeError('Invalid notification, missing "kind"');
      }
      kind === "N" ? (_a = observer.next) === null || _a === void 0 ? void 0 : _a.call(observer, value) : kind === "E" ? (_b = observer.error) === null || _b === void 0 ? void 0 : _b.call(observer, error) : (_c = observer.complete) === null || _c === void 0 ? void 0 : _c.call(observer);
    }
    exports.observeNotification = observeNotification;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isObservable.js
var require_isObservable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isObservable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isObservable = void 0;
    var Observable_1 = require_Observable();
    var isFunction_1 = require_isFunction();
    function isObservable(obj) {
      return !!obj && (obj instanceof Observable_1.Observable || isFunction_1.isFunction(obj.lift) && isFunction_1.isFunction(obj.subscribe));
    }
    exports.isObservable = isObservable;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/EmptyError.js
var require_EmptyError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/EmptyError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.EmptyError = void 0;
    var createErrorClass_1 = require_createErrorClass();
    exports.EmptyError = createErrorClass_1.createErrorClass(function(_super) {
      return function EmptyErrorImpl() {
        _super(this);
        this.name = "EmptyError";
        this.message = "no elements in sequence";
      };
    });
  }
});

// node_modules/rxjs/dist/cjs/internal/lastValueFrom.js
var require_lastValueFrom = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/lastValueFrom.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.lastValueFrom = void 0;
    var EmptyError_1 = require_EmptyError();
    function lastValueFrom(source, config) {
      var hasConfig = typeof config === "object";
      return new Promise(function(resolve2, reject) {
        var _hasValue = false;
        var _value;
        source.subscribe({
          next: function(value) {
            _value = value;
            _hasValue = true;
          },
          error: reject,
          complete: function() {
            if (_hasValue) {
              resolve2(_value);
            } else if (hasConfig) {
              resolve2(config.defaultValue);
            } else {
              reject(new EmptyError_1.EmptyError());
            }
          }
        });
      });
    }
    exports.lastValueFrom = lastValueFrom;
  }
});

// node_modules/rxjs/dist/cjs/internal/firstValueFrom.js
var require_firstValueFrom = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/firstValueFrom.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.firstValueFrom = void 0;
    var EmptyError_1 = require_EmptyError();
    var Subscriber_1 = require_Subscriber();
    function firstValueFrom(source, config) {
      var hasConfig = typeof config === "object";
      return new Promise(function(resolve2, reject) {
        var subscriber = new Subscriber_1.SafeSubscriber({
          next: function(value) {
            resolve2(value);
            subscriber.unsubscribe();
          },
          error: reject,
          complete: function() {
            if (hasConfig) {
              resolve2(config.defaultValue);
            } else {
              reject(new EmptyError_1.EmptyError());
            }
          }
        });
        source.subscribe(subscriber);
      });
    }
    exports.firstValueFrom = firstValueFrom;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/ArgumentOutOfRangeError.js
var require_ArgumentOutOfRangeError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/ArgumentOutOfRangeError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.ArgumentOutOfRangeError = void 0;
    var createErrorClass_1 = require_createErrorClass();
    exports.ArgumentOutOfRangeError = createErrorClass_1.createErrorClass(function(_super) {
      return function ArgumentOutOfRangeErrorImpl() {
        _super(this);
        this.name = "ArgumentOutOfRangeError";
        this.message = "argument out of range";
      };
    });
  }
});

// node_modules/rxjs/dist/cjs/internal/util/NotFoundError.js
var require_NotFoundError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/NotFoundError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.NotFoundError = void 0;
    var createErrorClass_1 = require_createErrorClass();
    exports.NotFoundError = createErrorClass_1.createErrorClass(function(_super) {
      return function NotFoundErrorImpl(message) {
        _super(this);
        this.name = "NotFoundError";
        this.message = message;
      };
    });
  }
});

// node_modules/rxjs/dist/cjs/internal/util/SequenceError.js
var require_SequenceError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/SequenceError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.SequenceError = void 0;
    var createErrorClass_1 = require_createErrorClass();
    exports.SequenceError = createErrorClass_1.createErrorClass(function(_super) {
      return function SequenceErrorImpl(message) {
        _super(this);
        this.name = "SequenceError";
        this.message = message;
      };
    });
  }
});

// node_modules/rxjs/dist/cjs/internal/util/isDate.js
var require_isDate = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/isDate.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isValidDate = void 0;
    function isValidDate(value) {
      return value instanceof Date && !isNaN(value);
    }
    exports.isValidDate = isValidDate;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/timeout.js
var require_timeout = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/timeout.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.timeout = exports.TimeoutError = void 0;
    var async_1 = require_async();
    var isDate_1 = require_isDate();
    var lift_1 = require_lift();
    var innerFrom_1 = require_innerFrom();
    var createErrorClass_1 = require_createErrorClass();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var executeSchedule_1 = require_executeSchedule();
    exports.TimeoutError = createErrorClass_1.createErrorClass(function(_super) {
      return function TimeoutErrorImpl(info) {
        if (info === void 0) {
          info = null;
        }
        _super(this);
        this.message = "Timeout has occurred";
        this.name = "TimeoutError";
        this.info = info;
      };
    });
    function timeout(config, schedulerArg) {
      var _a = isDate_1.isValidDate(config) ? { first: config } : typeof config === "number" ? { each: config } : config, first = _a.first, each = _a.each, _b = _a.with, _with = _b === void 0 ? timeoutErrorFactory : _b, _c = _a.scheduler, scheduler = _c === void 0 ? schedulerArg !== null && schedulerArg !== void 0 ? schedulerArg : async_1.asyncScheduler : _c, _d = _a.meta, meta = _d === void 0 ? null : _d;
      if (first == null && each == null) {
        throw new TypeError("No timeout provided.");
      }
      return lift_1.operate(function(source, subscriber) {
        var originalSourceSubscription;
        var timerSubscription;
        var lastValue = null;
        var seen = 0;
        var startTimer = function(delay) {
          timerSubscription = executeSchedule_1.executeSchedule(subscriber, scheduler, function() {
            try {
              originalSourceSubscription.unsubscribe();
              innerFrom_1.innerFrom(_with({
                meta,
                lastValue,
                seen
              })).subscribe(subscriber);
            } catch (err) {
              subscriber.error(err);
            }
          }, delay);
        };
        originalSourceSubscription = source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          timerSubscription === null || timerSubscription === void 0 ? void 0 : timerSubscription.unsubscribe();
          seen++;
          subscriber.next(lastValue = value);
          each > 0 && startTimer(each);
        }, void 0, void 0, function() {
          if (!(timerSubscription === null || timerSubscription === void 0 ? void 0 : timerSubscription.closed)) {
            timerSubscription === null || timerSubscription === void 0 ? void 0 : timerSubscription.unsubscribe();
          }
          lastValue = null;
        }));
        !seen && startTimer(first != null ? typeof first === "number" ? first : +first - scheduler.now() : each);
      });
    }
    exports.timeout = timeout;
    function timeoutErrorFactory(info) {
      throw new exports.TimeoutError(info);
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/map.js
var require_map = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/map.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.map = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function map2(project, thisArg) {
      return lift_1.operate(function(source, subscriber) {
        var index = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          subscriber.next(project.call(thisArg, value, index++));
        }));
      });
    }
    exports.map = map2;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/mapOneOrManyArgs.js
var require_mapOneOrManyArgs = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/mapOneOrManyArgs.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.mapOneOrManyArgs = void 0;
    var map_1 = require_map();
    var isArray = Array.isArray;
    function callOrApply(fn, args) {
      return isArray(args) ? fn.apply(void 0, __spreadArray([], __read(args))) : fn(args);
    }
    function mapOneOrManyArgs(fn) {
      return map_1.map(function(args) {
        return callOrApply(fn, args);
      });
    }
    exports.mapOneOrManyArgs = mapOneOrManyArgs;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/bindCallbackInternals.js
var require_bindCallbackInternals = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/bindCallbackInternals.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.bindCallbackInternals = void 0;
    var isScheduler_1 = require_isScheduler();
    var Observable_1 = require_Observable();
    var subscribeOn_1 = require_subscribeOn();
    var mapOneOrManyArgs_1 = require_mapOneOrManyArgs();
    var observeOn_1 = require_observeOn();
    var AsyncSubject_1 = require_AsyncSubject();
    function bindCallbackInternals(isNodeStyle, callbackFunc, resultSelector, scheduler) {
      if (resultSelector) {
        if (isScheduler_1.isScheduler(resultSelector)) {
          scheduler = resultSelector;
        } else {
          return function() {
            var args = [];
            for (var _i = 0; _i < arguments.length; _i++) {
              args[_i] = arguments[_i];
            }
            return bindCallbackInternals(isNodeStyle, callbackFunc, scheduler).apply(this, args).pipe(mapOneOrManyArgs_1.mapOneOrManyArgs(resultSelector));
          };
        }
      }
      if (scheduler) {
        return function() {
          var args = [];
          for (var _i = 0; _i < arguments.length; _i++) {
            args[_i] = arguments[_i];
          }
          return bindCallbackInternals(isNodeStyle, callbackFunc).apply(this, args).pipe(subscribeOn_1.subscribeOn(scheduler), observeOn_1.observeOn(scheduler));
        };
      }
      return function() {
        var _this = this;
        var args = [];
        for (var _i = 0; _i < arguments.length; _i++) {
          args[_i] = arguments[_i];
        }
        var subject = new AsyncSubject_1.AsyncSubject();
        var uninitialized = true;
        return new Observable_1.Observable(function(subscriber) {
          var subs = subject.subscribe(subscriber);
          if (uninitialized) {
            uninitialized = false;
            var isAsync_1 = false;
            var isComplete_1 = false;
            callbackFunc.apply(_this, __spreadArray(__spreadArray([], __read(args)), [
              function() {
                var results = [];
                for (var _i2 = 0; _i2 < arguments.length; _i2++) {
                  results[_i2] = arguments[_i2];
                }
                if (isNodeStyle) {
                  var err = results.shift();
                  if (err != null) {
                    subject.error(err);
                    return;
                  }
                }
                subject.next(1 < results.length ? results : results[0]);
                isComplete_1 = true;
                if (isAsync_1) {
                  subject.complete();
                }
              }
            ]));
            if (isComplete_1) {
              subject.complete();
            }
            isAsync_1 = true;
          }
          return subs;
        });
      };
    }
    exports.bindCallbackInternals = bindCallbackInternals;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/bindCallback.js
var require_bindCallback = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/bindCallback.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.bindCallback = void 0;
    var bindCallbackInternals_1 = require_bindCallbackInternals();
    function bindCallback(callbackFunc, resultSelector, scheduler) {
      return bindCallbackInternals_1.bindCallbackInternals(false, callbackFunc, resultSelector, scheduler);
    }
    exports.bindCallback = bindCallback;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/bindNodeCallback.js
var require_bindNodeCallback = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/bindNodeCallback.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.bindNodeCallback = void 0;
    var bindCallbackInternals_1 = require_bindCallbackInternals();
    function bindNodeCallback(callbackFunc, resultSelector, scheduler) {
      return bindCallbackInternals_1.bindCallbackInternals(true, callbackFunc, resultSelector, scheduler);
    }
    exports.bindNodeCallback = bindNodeCallback;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/argsArgArrayOrObject.js
var require_argsArgArrayOrObject = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/argsArgArrayOrObject.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.argsArgArrayOrObject = void 0;
    var isArray = Array.isArray;
    var getPrototypeOf = Object.getPrototypeOf;
    var objectProto = Object.prototype;
    var getKeys = Object.keys;
    function argsArgArrayOrObject(args) {
      if (args.length === 1) {
        var first_1 = args[0];
        if (isArray(first_1)) {
          return { args: first_1, keys: null };
        }
        if (isPOJO(first_1)) {
          var keys = getKeys(first_1);
          return {
            args: keys.map(function(key) {
              return first_1[key];
            }),
            keys
          };
        }
      }
      return { args, keys: null };
    }
    exports.argsArgArrayOrObject = argsArgArrayOrObject;
    function isPOJO(obj) {
      return obj && typeof obj === "object" && getPrototypeOf(obj) === objectProto;
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/util/createObject.js
var require_createObject = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/createObject.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.createObject = void 0;
    function createObject(keys, values) {
      return keys.reduce(function(result, key, i) {
        return result[key] = values[i], result;
      }, {});
    }
    exports.createObject = createObject;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/combineLatest.js
var require_combineLatest = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/combineLatest.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.combineLatestInit = exports.combineLatest = void 0;
    var Observable_1 = require_Observable();
    var argsArgArrayOrObject_1 = require_argsArgArrayOrObject();
    var from_1 = require_from();
    var identity_1 = require_identity();
    var mapOneOrManyArgs_1 = require_mapOneOrManyArgs();
    var args_1 = require_args();
    var createObject_1 = require_createObject();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var executeSchedule_1 = require_executeSchedule();
    function combineLatest() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      var scheduler = args_1.popScheduler(args);
      var resultSelector = args_1.popResultSelector(args);
      var _a = argsArgArrayOrObject_1.argsArgArrayOrObject(args), observables = _a.args, keys = _a.keys;
      if (observables.length === 0) {
        return from_1.from([], scheduler);
      }
      var result = new Observable_1.Observable(combineLatestInit(observables, scheduler, keys ? function(values) {
        return createObject_1.createObject(keys, values);
      } : identity_1.identity));
      return resultSelector ? result.pipe(mapOneOrManyArgs_1.mapOneOrManyArgs(resultSelector)) : result;
    }
    exports.combineLatest = combineLatest;
    function combineLatestInit(observables, scheduler, valueTransform) {
      if (valueTransform === void 0) {
        valueTransform = identity_1.identity;
      }
      return function(subscriber) {
        maybeSchedule(scheduler, function() {
          var length = observables.length;
          var values = new Array(length);
          var active = length;
          var remainingFirstValues = length;
          var _loop_1 = function(i2) {
            maybeSchedule(scheduler, function() {
              var source = from_1.from(observables[i2], scheduler);
              var hasFirstValue = false;
              source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
                values[i2] = value;
                if (!hasFirstValue) {
                  hasFirstValue = true;
                  remainingFirstValues--;
                }
                if (!remainingFirstValues) {
                  subscriber.next(valueTransform(values.slice()));
                }
              }, function() {
                if (!--active) {
                  subscriber.complete();
                }
              }));
            }, subscriber);
          };
          for (var i = 0; i < length; i++) {
            _loop_1(i);
          }
        }, subscriber);
      };
    }
    exports.combineLatestInit = combineLatestInit;
    function maybeSchedule(scheduler, execute, subscription) {
      if (scheduler) {
        executeSchedule_1.executeSchedule(subscription, scheduler, execute);
      } else {
        execute();
      }
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/mergeInternals.js
var require_mergeInternals = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/mergeInternals.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.mergeInternals = void 0;
    var innerFrom_1 = require_innerFrom();
    var executeSchedule_1 = require_executeSchedule();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function mergeInternals(source, subscriber, project, concurrent, onBeforeNext, expand, innerSubScheduler, additionalFinalizer) {
      var buffer = [];
      var active = 0;
      var index = 0;
      var isComplete = false;
      var checkComplete = function() {
        if (isComplete && !buffer.length && !active) {
          subscriber.complete();
        }
      };
      var outerNext = function(value) {
        return active < concurrent ? doInnerSub(value) : buffer.push(value);
      };
      var doInnerSub = function(value) {
        expand && subscriber.next(value);
        active++;
        var innerComplete = false;
        innerFrom_1.innerFrom(project(value, index++)).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(innerValue) {
          onBeforeNext === null || onBeforeNext === void 0 ? void 0 : onBeforeNext(innerValue);
          if (expand) {
            outerNext(innerValue);
          } else {
            subscriber.next(innerValue);
          }
        }, function() {
          innerComplete = true;
        }, void 0, function() {
          if (innerComplete) {
            try {
              active--;
              var _loop_1 = function() {
                var bufferedValue = buffer.shift();
                if (innerSubScheduler) {
                  executeSchedule_1.executeSchedule(subscriber, innerSubScheduler, function() {
                    return doInnerSub(bufferedValue);
                  });
                } else {
                  doInnerSub(bufferedValue);
                }
              };
              while (buffer.length && active < concurrent) {
                _loop_1();
              }
              checkComplete();
            } catch (err) {
              subscriber.error(err);
            }
          }
        }));
      };
      source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, outerNext, function() {
        isComplete = true;
        checkComplete();
      }));
      return function() {
        additionalFinalizer === null || additionalFinalizer === void 0 ? void 0 : additionalFinalizer();
      };
    }
    exports.mergeInternals = mergeInternals;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/mergeMap.js
var require_mergeMap = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/mergeMap.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.mergeMap = void 0;
    var map_1 = require_map();
    var innerFrom_1 = require_innerFrom();
    var lift_1 = require_lift();
    var mergeInternals_1 = require_mergeInternals();
    var isFunction_1 = require_isFunction();
    function mergeMap(project, resultSelector, concurrent) {
      if (concurrent === void 0) {
        concurrent = Infinity;
      }
      if (isFunction_1.isFunction(resultSelector)) {
        return mergeMap(function(a, i) {
          return map_1.map(function(b, ii) {
            return resultSelector(a, b, i, ii);
          })(innerFrom_1.innerFrom(project(a, i)));
        }, concurrent);
      } else if (typeof resultSelector === "number") {
        concurrent = resultSelector;
      }
      return lift_1.operate(function(source, subscriber) {
        return mergeInternals_1.mergeInternals(source, subscriber, project, concurrent);
      });
    }
    exports.mergeMap = mergeMap;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/mergeAll.js
var require_mergeAll = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/mergeAll.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.mergeAll = void 0;
    var mergeMap_1 = require_mergeMap();
    var identity_1 = require_identity();
    function mergeAll(concurrent) {
      if (concurrent === void 0) {
        concurrent = Infinity;
      }
      return mergeMap_1.mergeMap(identity_1.identity, concurrent);
    }
    exports.mergeAll = mergeAll;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/concatAll.js
var require_concatAll = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/concatAll.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.concatAll = void 0;
    var mergeAll_1 = require_mergeAll();
    function concatAll() {
      return mergeAll_1.mergeAll(1);
    }
    exports.concatAll = concatAll;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/concat.js
var require_concat = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/concat.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.concat = void 0;
    var concatAll_1 = require_concatAll();
    var args_1 = require_args();
    var from_1 = require_from();
    function concat() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      return concatAll_1.concatAll()(from_1.from(args, args_1.popScheduler(args)));
    }
    exports.concat = concat;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/defer.js
var require_defer = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/defer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.defer = void 0;
    var Observable_1 = require_Observable();
    var innerFrom_1 = require_innerFrom();
    function defer(observableFactory) {
      return new Observable_1.Observable(function(subscriber) {
        innerFrom_1.innerFrom(observableFactory()).subscribe(subscriber);
      });
    }
    exports.defer = defer;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/connectable.js
var require_connectable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/connectable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.connectable = void 0;
    var Subject_1 = require_Subject();
    var Observable_1 = require_Observable();
    var defer_1 = require_defer();
    var DEFAULT_CONFIG = {
      connector: function() {
        return new Subject_1.Subject();
      },
      resetOnDisconnect: true
    };
    function connectable(source, config) {
      if (config === void 0) {
        config = DEFAULT_CONFIG;
      }
      var connection = null;
      var connector = config.connector, _a = config.resetOnDisconnect, resetOnDisconnect = _a === void 0 ? true : _a;
      var subject = connector();
      var result = new Observable_1.Observable(function(subscriber) {
        return subject.subscribe(subscriber);
      });
      result.connect = function() {
        if (!connection || connection.closed) {
          connection = defer_1.defer(function() {
            return source;
          }).subscribe(subject);
          if (resetOnDisconnect) {
            connection.add(function() {
              return subject = connector();
            });
          }
        }
        return connection;
      };
      return result;
    }
    exports.connectable = connectable;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/forkJoin.js
var require_forkJoin = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/forkJoin.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.forkJoin = void 0;
    var Observable_1 = require_Observable();
    var argsArgArrayOrObject_1 = require_argsArgArrayOrObject();
    var innerFrom_1 = require_innerFrom();
    var args_1 = require_args();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var mapOneOrManyArgs_1 = require_mapOneOrManyArgs();
    var createObject_1 = require_createObject();
    function forkJoin() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      var resultSelector = args_1.popResultSelector(args);
      var _a = argsArgArrayOrObject_1.argsArgArrayOrObject(args), sources = _a.args, keys = _a.keys;
      var result = new Observable_1.Observable(function(subscriber) {
        var length = sources.length;
        if (!length) {
          subscriber.complete();
          return;
        }
        var values = new Array(length);
        var remainingCompletions = length;
        var remainingEmissions = length;
        var _loop_1 = function(sourceIndex2) {
          var hasValue = false;
          innerFrom_1.innerFrom(sources[sourceIndex2]).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
            if (!hasValue) {
              hasValue = true;
              remainingEmissions--;
            }
            values[sourceIndex2] = value;
          }, function() {
            return remainingCompletions--;
          }, void 0, function() {
            if (!remainingCompletions || !hasValue) {
              if (!remainingEmissions) {
                subscriber.next(keys ? createObject_1.createObject(keys, values) : values);
              }
              subscriber.complete();
            }
          }));
        };
        for (var sourceIndex = 0; sourceIndex < length; sourceIndex++) {
          _loop_1(sourceIndex);
        }
      });
      return resultSelector ? result.pipe(mapOneOrManyArgs_1.mapOneOrManyArgs(resultSelector)) : result;
    }
    exports.forkJoin = forkJoin;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/fromEvent.js
var require_fromEvent = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/fromEvent.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.fromEvent = void 0;
    var innerFrom_1 = require_innerFrom();
    var Observable_1 = require_Observable();
    var mergeMap_1 = require_mergeMap();
    var isArrayLike_1 = require_isArrayLike();
    var isFunction_1 = require_isFunction();
    var mapOneOrManyArgs_1 = require_mapOneOrManyArgs();
    var nodeEventEmitterMethods = ["addListener", "removeListener"];
    var eventTargetMethods = ["addEventListener", "removeEventListener"];
    var jqueryMethods = ["on", "off"];
    function fromEvent(target, eventName, options, resultSelector) {
      if (isFunction_1.isFunction(options)) {
        resultSelector = options;
        options = void 0;
      }
      if (resultSelector) {
        return fromEvent(target, eventName, options).pipe(mapOneOrManyArgs_1.mapOneOrManyArgs(resultSelector));
      }
      var _a = __read(isEventTarget(target) ? eventTargetMethods.map(function(methodName) {
        return function(handler) {
          return target[methodName](eventName, handler, options);
        };
      }) : isNodeStyleEventEmitter(target) ? nodeEventEmitterMethods.map(toCommonHandlerRegistry(target, eventName)) : isJQueryStyleEventEmitter(target) ? jqueryMethods.map(toCommonHandlerRegistry(target, eventName)) : [], 2), add = _a[0], remove = _a[1];
      if (!add) {
        if (isArrayLike_1.isArrayLike(target)) {
          return mergeMap_1.mergeMap(function(subTarget) {
            return fromEvent(subTarget, eventName, options);
          })(innerFrom_1.innerFrom(target));
        }
      }
      if (!add) {
        throw new TypeError("Invalid event target");
      }
      return new Observable_1.Observable(function(subscriber) {
        var handler = function() {
          var args = [];
          for (var _i = 0; _i < arguments.length; _i++) {
            args[_i] = arguments[_i];
          }
          return subscriber.next(1 < args.length ? args : args[0]);
        };
        add(handler);
        return function() {
          return remove(handler);
        };
      });
    }
    exports.fromEvent = fromEvent;
    function toCommonHandlerRegistry(target, eventName) {
      return function(methodName) {
        return function(handler) {
          return target[methodName](eventName, handler);
        };
      };
    }
    function isNodeStyleEventEmitter(target) {
      return isFunction_1.isFunction(target.addListener) && isFunction_1.isFunction(target.removeListener);
    }
    function isJQueryStyleEventEmitter(target) {
      return isFunction_1.isFunction(target.on) && isFunction_1.isFunction(target.off);
    }
    function isEventTarget(target) {
      return isFunction_1.isFunction(target.addEventListener) && isFunction_1.isFunction(target.removeEventListener);
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/fromEventPattern.js
var require_fromEventPattern = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/fromEventPattern.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.fromEventPattern = void 0;
    var Observable_1 = require_Observable();
    var isFunction_1 = require_isFunction();
    var mapOneOrManyArgs_1 = require_mapOneOrManyArgs();
    function fromEventPattern(addHandler, removeHandler, resultSelector) {
      if (resultSelector) {
        return fromEventPattern(addHandler, removeHandler).pipe(mapOneOrManyArgs_1.mapOneOrManyArgs(resultSelector));
      }
      return new Observable_1.Observable(function(subscriber) {
        var handler = function() {
          var e = [];
          for (var _i = 0; _i < arguments.length; _i++) {
            e[_i] = arguments[_i];
          }
          return subscriber.next(e.length === 1 ? e[0] : e);
        };
        var retValue = addHandler(handler);
        return isFunction_1.isFunction(removeHandler) ? function() {
          return removeHandler(handler, retValue);
        } : void 0;
      });
    }
    exports.fromEventPattern = fromEventPattern;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/generate.js
var require_generate = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/generate.js"(exports) {
    "use strict";
    var __generator = exports && exports.__generator || function(thisArg, body) {
      var _ = { label: 0, sent: function() {
        if (t[0] & 1) throw t[1];
        return t[1];
      }, trys: [], ops: [] }, f, y, t, g;
      return g = { next: verb(0), "throw": verb(1), "return": verb(2) }, typeof Symbol === "function" && (g[Symbol.iterator] = function() {
        return this;
      }), g;
      function verb(n3) {
        return function(v) {
          return step([n3, v]);
        };
      }
      function step(op) {
        if (f) throw new TypeError("Generator is already executing.");
        while (_) try {
          if (f = 1, y && (t = op[0] & 2 ? y["return"] : op[0] ? y["throw"] || ((t = y["return"]) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
          if (y = 0, t) op = [op[0] & 2, t.value];
          switch (op[0]) {
            case 0:
            case 1:
              t = op;
              break;
            case 4:
              _.label++;
              return { value: op[1], done: false };
            case 5:
              _.label++;
              y = op[1];
              op = [0];
              continue;
            case 7:
              op = _.ops.pop();
              _.trys.pop();
              continue;
            default:
              if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) {
                _ = 0;
                continue;
              }
              if (op[0] === 3 && (!t || op[1] > t[0] && op[1] < t[3])) {
                _.label = op[1];
                break;
              }
              if (op[0] === 6 && _.label < t[1]) {
                _.label = t[1];
                t = op;
                break;
              }
              if (t && _.label < t[2]) {
                _.label = t[2];
                _.ops.push(op);
                break;
              }
              if (t[2]) _.ops.pop();
              _.trys.pop();
              continue;
          }
          op = body.call(thisArg, _);
        } catch (e) {
          op = [6, e];
          y = 0;
        } finally {
          f = t = 0;
        }
        if (op[0] & 5) throw op[1];
        return { value: op[0] ? op[1] : void 0, done: true };
      }
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.generate = void 0;
    var identity_1 = require_identity();
    var isScheduler_1 = require_isScheduler();
    var defer_1 = require_defer();
    var scheduleIterable_1 = require_scheduleIterable();
    function generate(initialStateOrOptions, condition, iterate, resultSelectorOrScheduler, scheduler) {
      var _a, _b;
      var resultSelector;
      var initialState;
      if (arguments.length === 1) {
        _a = initialStateOrOptions, initialState = _a.initialState, condition = _a.condition, iterate = _a.iterate, _b = _a.resultSelector, resultSelector = _b === void 0 ? identity_1.identity : _b, scheduler = _a.scheduler;
      } else {
        initialState = initialStateOrOptions;
        if (!resultSelectorOrScheduler || isScheduler_1.isScheduler(resultSelectorOrScheduler)) {
          resultSelector = identity_1.identity;
          scheduler = resultSelectorOrScheduler;
        } else {
          resultSelector = resultSelectorOrScheduler;
        }
      }
      function gen() {
        var state;
        return __generator(this, function(_a2) {
          switch (_a2.label) {
            case 0:
              state = initialState;
              _a2.label = 1;
            case 1:
              if (!(!condition || condition(state))) return [3, 4];
              return [4, resultSelector(state)];
            case 2:
              _a2.sent();
              _a2.label = 3;
            case 3:
              state = iterate(state);
              return [3, 1];
            case 4:
              return [2];
          }
        });
      }
      return defer_1.defer(scheduler ? function() {
        return scheduleIterable_1.scheduleIterable(gen(), scheduler);
      } : gen);
    }
    exports.generate = generate;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/iif.js
var require_iif = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/iif.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.iif = void 0;
    var defer_1 = require_defer();
    function iif(condition, trueResult, falseResult) {
      return defer_1.defer(function() {
        return condition() ? trueResult : falseResult;
      });
    }
    exports.iif = iif;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/timer.js
var require_timer = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/timer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.timer = void 0;
    var Observable_1 = require_Observable();
    var async_1 = require_async();
    var isScheduler_1 = require_isScheduler();
    var isDate_1 = require_isDate();
    function timer(dueTime, intervalOrScheduler, scheduler) {
      if (dueTime === void 0) {
        dueTime = 0;
      }
      if (scheduler === void 0) {
        scheduler = async_1.async;
      }
      var intervalDuration = -1;
      if (intervalOrScheduler != null) {
        if (isScheduler_1.isScheduler(intervalOrScheduler)) {
          scheduler = intervalOrScheduler;
        } else {
          intervalDuration = intervalOrScheduler;
        }
      }
      return new Observable_1.Observable(function(subscriber) {
        var due = isDate_1.isValidDate(dueTime) ? +dueTime - scheduler.now() : dueTime;
        if (due < 0) {
          due = 0;
        }
        var n3 = 0;
        return scheduler.schedule(function() {
          if (!subscriber.closed) {
            subscriber.next(n3++);
            if (0 <= intervalDuration) {
              this.schedule(void 0, intervalDuration);
            } else {
              subscriber.complete();
            }
          }
        }, due);
      });
    }
    exports.timer = timer;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/interval.js
var require_interval = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/interval.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.interval = void 0;
    var async_1 = require_async();
    var timer_1 = require_timer();
    function interval(period, scheduler) {
      if (period === void 0) {
        period = 0;
      }
      if (scheduler === void 0) {
        scheduler = async_1.asyncScheduler;
      }
      if (period < 0) {
        period = 0;
      }
      return timer_1.timer(period, period, scheduler);
    }
    exports.interval = interval;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/merge.js
var require_merge = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/merge.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.merge = void 0;
    var mergeAll_1 = require_mergeAll();
    var innerFrom_1 = require_innerFrom();
    var empty_1 = require_empty();
    var args_1 = require_args();
    var from_1 = require_from();
    function merge2() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      var scheduler = args_1.popScheduler(args);
      var concurrent = args_1.popNumber(args, Infinity);
      var sources = args;
      return !sources.length ? empty_1.EMPTY : sources.length === 1 ? innerFrom_1.innerFrom(sources[0]) : mergeAll_1.mergeAll(concurrent)(from_1.from(sources, scheduler));
    }
    exports.merge = merge2;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/never.js
var require_never = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/never.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.never = exports.NEVER = void 0;
    var Observable_1 = require_Observable();
    var noop_1 = require_noop();
    exports.NEVER = new Observable_1.Observable(noop_1.noop);
    function never() {
      return exports.NEVER;
    }
    exports.never = never;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/argsOrArgArray.js
var require_argsOrArgArray = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/argsOrArgArray.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.argsOrArgArray = void 0;
    var isArray = Array.isArray;
    function argsOrArgArray(args) {
      return args.length === 1 && isArray(args[0]) ? args[0] : args;
    }
    exports.argsOrArgArray = argsOrArgArray;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/onErrorResumeNext.js
var require_onErrorResumeNext = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/onErrorResumeNext.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.onErrorResumeNext = void 0;
    var Observable_1 = require_Observable();
    var argsOrArgArray_1 = require_argsOrArgArray();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var noop_1 = require_noop();
    var innerFrom_1 = require_innerFrom();
    function onErrorResumeNext() {
      var sources = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        sources[_i] = arguments[_i];
      }
      var nextSources = argsOrArgArray_1.argsOrArgArray(sources);
      return new Observable_1.Observable(function(subscriber) {
        var sourceIndex = 0;
        var subscribeNext = function() {
          if (sourceIndex < nextSources.length) {
            var nextSource = void 0;
            try {
              nextSource = innerFrom_1.innerFrom(nextSources[sourceIndex++]);
            } catch (err) {
              subscribeNext();
              return;
            }
            var innerSubscriber = new OperatorSubscriber_1.OperatorSubscriber(subscriber, void 0, noop_1.noop, noop_1.noop);
            nextSource.subscribe(innerSubscriber);
            innerSubscriber.add(subscribeNext);
          } else {
            subscriber.complete();
          }
        };
        subscribeNext();
      });
    }
    exports.onErrorResumeNext = onErrorResumeNext;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/pairs.js
var require_pairs = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/pairs.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.pairs = void 0;
    var from_1 = require_from();
    function pairs(obj, scheduler) {
      return from_1.from(Object.entries(obj), scheduler);
    }
    exports.pairs = pairs;
  }
});

// node_modules/rxjs/dist/cjs/internal/util/not.js
var require_not = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/util/not.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.not = void 0;
    function not(pred, thisArg) {
      return function(value, index) {
        return !pred.call(thisArg, value, index);
      };
    }
    exports.not = not;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/filter.js
var require_filter = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/filter.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.filter = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function filter2(predicate, thisArg) {
      return lift_1.operate(function(source, subscriber) {
        var index = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          return predicate.call(thisArg, value, index++) && subscriber.next(value);
        }));
      });
    }
    exports.filter = filter2;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/partition.js
var require_partition = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/partition.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.partition = void 0;
    var not_1 = require_not();
    var filter_1 = require_filter();
    var innerFrom_1 = require_innerFrom();
    function partition(source, predicate, thisArg) {
      return [filter_1.filter(predicate, thisArg)(innerFrom_1.innerFrom(source)), filter_1.filter(not_1.not(predicate, thisArg))(innerFrom_1.innerFrom(source))];
    }
    exports.partition = partition;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/race.js
var require_race = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/race.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.raceInit = exports.race = void 0;
    var Observable_1 = require_Observable();
    var innerFrom_1 = require_innerFrom();
    var argsOrArgArray_1 = require_argsOrArgArray();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function race() {
      var sources = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        sources[_i] = arguments[_i];
      }
      sources = argsOrArgArray_1.argsOrArgArray(sources);
      return sources.length === 1 ? innerFrom_1.innerFrom(sources[0]) : new Observable_1.Observable(raceInit(sources));
    }
    exports.race = race;
    function raceInit(sources) {
      return function(subscriber) {
        var subscriptions = [];
        var _loop_1 = function(i2) {
          subscriptions.push(innerFrom_1.innerFrom(sources[i2]).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
            if (subscriptions) {
              for (var s = 0; s < subscriptions.length; s++) {
                s !== i2 && subscriptions[s].unsubscribe();
              }
              subscriptions = null;
            }
            subscriber.next(value);
          })));
        };
        for (var i = 0; subscriptions && !subscriber.closed && i < sources.length; i++) {
          _loop_1(i);
        }
      };
    }
    exports.raceInit = raceInit;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/range.js
var require_range = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/range.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.range = void 0;
    var Observable_1 = require_Observable();
    var empty_1 = require_empty();
    function range(start, count, scheduler) {
      if (count == null) {
        count = start;
        start = 0;
      }
      if (count <= 0) {
        return empty_1.EMPTY;
      }
      var end = count + start;
      return new Observable_1.Observable(scheduler ? function(subscriber) {
        var n3 = start;
        return scheduler.schedule(function() {
          if (n3 < end) {
            subscriber.next(n3++);
            this.schedule();
          } else {
            subscriber.complete();
          }
        });
      } : function(subscriber) {
        var n3 = start;
        while (n3 < end && !subscriber.closed) {
          subscriber.next(n3++);
        }
        subscriber.complete();
      });
    }
    exports.range = range;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/using.js
var require_using = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/using.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.using = void 0;
    var Observable_1 = require_Observable();
    var innerFrom_1 = require_innerFrom();
    var empty_1 = require_empty();
    function using(resourceFactory, observableFactory) {
      return new Observable_1.Observable(function(subscriber) {
        var resource = resourceFactory();
        var result = observableFactory(resource);
        var source = result ? innerFrom_1.innerFrom(result) : empty_1.EMPTY;
        source.subscribe(subscriber);
        return function() {
          if (resource) {
            resource.unsubscribe();
          }
        };
      });
    }
    exports.using = using;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/zip.js
var require_zip = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/zip.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.zip = void 0;
    var Observable_1 = require_Observable();
    var innerFrom_1 = require_innerFrom();
    var argsOrArgArray_1 = require_argsOrArgArray();
    var empty_1 = require_empty();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var args_1 = require_args();
    function zip() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      var resultSelector = args_1.popResultSelector(args);
      var sources = argsOrArgArray_1.argsOrArgArray(args);
      return sources.length ? new Observable_1.Observable(function(subscriber) {
        var buffers = sources.map(function() {
          return [];
        });
        var completed = sources.map(function() {
          return false;
        });
        subscriber.add(function() {
          buffers = completed = null;
        });
        var _loop_1 = function(sourceIndex2) {
          innerFrom_1.innerFrom(sources[sourceIndex2]).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
            buffers[sourceIndex2].push(value);
            if (buffers.every(function(buffer) {
              return buffer.length;
            })) {
              var result = buffers.map(function(buffer) {
                return buffer.shift();
              });
              subscriber.next(resultSelector ? resultSelector.apply(void 0, __spreadArray([], __read(result))) : result);
              if (buffers.some(function(buffer, i) {
                return !buffer.length && completed[i];
              })) {
                subscriber.complete();
              }
            }
          }, function() {
            completed[sourceIndex2] = true;
            !buffers[sourceIndex2].length && subscriber.complete();
          }));
        };
        for (var sourceIndex = 0; !subscriber.closed && sourceIndex < sources.length; sourceIndex++) {
          _loop_1(sourceIndex);
        }
        return function() {
          buffers = completed = null;
        };
      }) : empty_1.EMPTY;
    }
    exports.zip = zip;
  }
});

// node_modules/rxjs/dist/cjs/internal/types.js
var require_types = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/types.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/audit.js
var require_audit = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/audit.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.audit = void 0;
    var lift_1 = require_lift();
    var innerFrom_1 = require_innerFrom();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function audit(durationSelector) {
      return lift_1.operate(function(source, subscriber) {
        var hasValue = false;
        var lastValue = null;
        var durationSubscriber = null;
        var isComplete = false;
        var endDuration = function() {
          durationSubscriber === null || durationSubscriber === void 0 ? void 0 : durationSubscriber.unsubscribe();
          durationSubscriber = null;
          if (hasValue) {
            hasValue = false;
            var value = lastValue;
            lastValue = null;
            subscriber.next(value);
          }
          isComplete && subscriber.complete();
        };
        var cleanupDuration = function() {
          durationSubscriber = null;
          isComplete && subscriber.complete();
        };
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          hasValue = true;
          lastValue = value;
          if (!durationSubscriber) {
            innerFrom_1.innerFrom(durationSelector(value)).subscribe(durationSubscriber = OperatorSubscriber_1.createOperatorSubscriber(subscriber, endDuration, cleanupDuration));
          }
        }, function() {
          isComplete = true;
          (!hasValue || !durationSubscriber || durationSubscriber.closed) && subscriber.complete();
        }));
      });
    }
    exports.audit = audit;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/auditTime.js
var require_auditTime = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/auditTime.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.auditTime = void 0;
    var async_1 = require_async();
    var audit_1 = require_audit();
    var timer_1 = require_timer();
    function auditTime(duration2, scheduler) {
      if (scheduler === void 0) {
        scheduler = async_1.asyncScheduler;
      }
      return audit_1.audit(function() {
        return timer_1.timer(duration2, scheduler);
      });
    }
    exports.auditTime = auditTime;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/buffer.js
var require_buffer = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/buffer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.buffer = void 0;
    var lift_1 = require_lift();
    var noop_1 = require_noop();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    function buffer(closingNotifier) {
      return lift_1.operate(function(source, subscriber) {
        var currentBuffer = [];
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          return currentBuffer.push(value);
        }, function() {
          subscriber.next(currentBuffer);
          subscriber.complete();
        }));
        innerFrom_1.innerFrom(closingNotifier).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
          var b = currentBuffer;
          currentBuffer = [];
          subscriber.next(b);
        }, noop_1.noop));
        return function() {
          currentBuffer = null;
        };
      });
    }
    exports.buffer = buffer;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/bufferCount.js
var require_bufferCount = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/bufferCount.js"(exports) {
    "use strict";
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.bufferCount = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var arrRemove_1 = require_arrRemove();
    function bufferCount(bufferSize, startBufferEvery) {
      if (startBufferEvery === void 0) {
        startBufferEvery = null;
      }
      startBufferEvery = startBufferEvery !== null && startBufferEvery !== void 0 ? startBufferEvery : bufferSize;
      return lift_1.operate(function(source, subscriber) {
        var buffers = [];
        var count = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var e_1, _a, e_2, _b;
          var toEmit = null;
          if (count++ % startBufferEvery === 0) {
            buffers.push([]);
          }
          try {
            for (var buffers_1 = __values(buffers), buffers_1_1 = buffers_1.next(); !buffers_1_1.done; buffers_1_1 = buffers_1.next()) {
              var buffer = buffers_1_1.value;
              buffer.push(value);
              if (bufferSize <= buffer.length) {
                toEmit = toEmit !== null && toEmit !== void 0 ? toEmit : [];
                toEmit.push(buffer);
              }
            }
          } catch (e_1_1) {
            e_1 = { error: e_1_1 };
          } finally {
            try {
              if (buffers_1_1 && !buffers_1_1.done && (_a = buffers_1.return)) _a.call(buffers_1);
            } finally {
              if (e_1) throw e_1.error;
            }
          }
          if (toEmit) {
            try {
              for (var toEmit_1 = __values(toEmit), toEmit_1_1 = toEmit_1.next(); !toEmit_1_1.done; toEmit_1_1 = toEmit_1.next()) {
                var buffer = toEmit_1_1.value;
                arrRemove_1.arrRemove(buffers, buffer);
                subscriber.next(buffer);
              }
            } catch (e_2_1) {
              e_2 = { error: e_2_1 };
            } finally {
              try {
                if (toEmit_1_1 && !toEmit_1_1.done && (_b = toEmit_1.return)) _b.call(toEmit_1);
              } finally {
                if (e_2) throw e_2.error;
              }
            }
          }
        }, function() {
          var e_3, _a;
          try {
            for (var buffers_2 = __values(buffers), buffers_2_1 = buffers_2.next(); !buffers_2_1.done; buffers_2_1 = buffers_2.next()) {
              var buffer = buffers_2_1.value;
              subscriber.next(buffer);
            }
          } catch (e_3_1) {
            e_3 = { error: e_3_1 };
          } finally {
            try {
              if (buffers_2_1 && !buffers_2_1.done && (_a = buffers_2.return)) _a.call(buffers_2);
            } finally {
              if (e_3) throw e_3.error;
            }
          }
          subscriber.complete();
        }, void 0, function() {
          buffers = null;
        }));
      });
    }
    exports.bufferCount = bufferCount;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/bufferTime.js
var require_bufferTime = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/bufferTime.js"(exports) {
    "use strict";
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.bufferTime = void 0;
    var Subscription_1 = require_Subscription();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var arrRemove_1 = require_arrRemove();
    var async_1 = require_async();
    var args_1 = require_args();
    var executeSchedule_1 = require_executeSchedule();
    function bufferTime(bufferTimeSpan) {
      var _a, _b;
      var otherArgs = [];
      for (var _i = 1; _i < arguments.length; _i++) {
        otherArgs[_i - 1] = arguments[_i];
      }
      var scheduler = (_a = args_1.popScheduler(otherArgs)) !== null && _a !== void 0 ? _a : async_1.asyncScheduler;
      var bufferCreationInterval = (_b = otherArgs[0]) !== null && _b !== void 0 ? _b : null;
      var maxBufferSize = otherArgs[1] || Infinity;
      return lift_1.operate(function(source, subscriber) {
        var bufferRecords = [];
        var restartOnEmit = false;
        var emit = function(record) {
          var buffer = record.buffer, subs = record.subs;
          subs.unsubscribe();
          arrRemove_1.arrRemove(bufferRecords, record);
          subscriber.next(buffer);
          restartOnEmit && startBuffer();
        };
        var startBuffer = function() {
          if (bufferRecords) {
            var subs = new Subscription_1.Subscription();
            subscriber.add(subs);
            var buffer = [];
            var record_1 = {
              buffer,
              subs
            };
            bufferRecords.push(record_1);
            executeSchedule_1.executeSchedule(subs, scheduler, function() {
              return emit(record_1);
            }, bufferTimeSpan);
          }
        };
        if (bufferCreationInterval !== null && bufferCreationInterval >= 0) {
          executeSchedule_1.executeSchedule(subscriber, scheduler, startBuffer, bufferCreationInterval, true);
        } else {
          restartOnEmit = true;
        }
        startBuffer();
        var bufferTimeSubscriber = OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var e_1, _a2;
          var recordsCopy = bufferRecords.slice();
          try {
            for (var recordsCopy_1 = __values(recordsCopy), recordsCopy_1_1 = recordsCopy_1.next(); !recordsCopy_1_1.done; recordsCopy_1_1 = recordsCopy_1.next()) {
              var record = recordsCopy_1_1.value;
              var buffer = record.buffer;
              buffer.push(value);
              maxBufferSize <= buffer.length && emit(record);
            }
          } catch (e_1_1) {
            e_1 = { error: e_1_1 };
          } finally {
            try {
              if (recordsCopy_1_1 && !recordsCopy_1_1.done && (_a2 = recordsCopy_1.return)) _a2.call(recordsCopy_1);
            } finally {
              if (e_1) throw e_1.error;
            }
          }
        }, function() {
          while (bufferRecords === null || bufferRecords === void 0 ? void 0 : bufferRecords.length) {
            subscriber.next(bufferRecords.shift().buffer);
          }
          bufferTimeSubscriber === null || bufferTimeSubscriber === void 0 ? void 0 : bufferTimeSubscriber.unsubscribe();
          subscriber.complete();
          subscriber.unsubscribe();
        }, void 0, function() {
          return bufferRecords = null;
        });
        source.subscribe(bufferTimeSubscriber);
      });
    }
    exports.bufferTime = bufferTime;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/bufferToggle.js
var require_bufferToggle = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/bufferToggle.js"(exports) {
    "use strict";
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.bufferToggle = void 0;
    var Subscription_1 = require_Subscription();
    var lift_1 = require_lift();
    var innerFrom_1 = require_innerFrom();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var noop_1 = require_noop();
    var arrRemove_1 = require_arrRemove();
    function bufferToggle(openings, closingSelector) {
      return lift_1.operate(function(source, subscriber) {
        var buffers = [];
        innerFrom_1.innerFrom(openings).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(openValue) {
          var buffer = [];
          buffers.push(buffer);
          var closingSubscription = new Subscription_1.Subscription();
          var emitBuffer = function() {
            arrRemove_1.arrRemove(buffers, buffer);
            subscriber.next(buffer);
            closingSubscription.unsubscribe();
          };
          closingSubscription.add(innerFrom_1.innerFrom(closingSelector(openValue)).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, emitBuffer, noop_1.noop)));
        }, noop_1.noop));
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var e_1, _a;
          try {
            for (var buffers_1 = __values(buffers), buffers_1_1 = buffers_1.next(); !buffers_1_1.done; buffers_1_1 = buffers_1.next()) {
              var buffer = buffers_1_1.value;
              buffer.push(value);
            }
          } catch (e_1_1) {
            e_1 = { error: e_1_1 };
          } finally {
            try {
              if (buffers_1_1 && !buffers_1_1.done && (_a = buffers_1.return)) _a.call(buffers_1);
            } finally {
              if (e_1) throw e_1.error;
            }
          }
        }, function() {
          while (buffers.length > 0) {
            subscriber.next(buffers.shift());
          }
          subscriber.complete();
        }));
      });
    }
    exports.bufferToggle = bufferToggle;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/bufferWhen.js
var require_bufferWhen = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/bufferWhen.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.bufferWhen = void 0;
    var lift_1 = require_lift();
    var noop_1 = require_noop();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    function bufferWhen(closingSelector) {
      return lift_1.operate(function(source, subscriber) {
        var buffer = null;
        var closingSubscriber = null;
        var openBuffer = function() {
          closingSubscriber === null || closingSubscriber === void 0 ? void 0 : closingSubscriber.unsubscribe();
          var b = buffer;
          buffer = [];
          b && subscriber.next(b);
          innerFrom_1.innerFrom(closingSelector()).subscribe(closingSubscriber = OperatorSubscriber_1.createOperatorSubscriber(subscriber, openBuffer, noop_1.noop));
        };
        openBuffer();
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          return buffer === null || buffer === void 0 ? void 0 : buffer.push(value);
        }, function() {
          buffer && subscriber.next(buffer);
          subscriber.complete();
        }, void 0, function() {
          return buffer = closingSubscriber = null;
        }));
      });
    }
    exports.bufferWhen = bufferWhen;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/catchError.js
var require_catchError = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/catchError.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.catchError = void 0;
    var innerFrom_1 = require_innerFrom();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var lift_1 = require_lift();
    function catchError(selector) {
      return lift_1.operate(function(source, subscriber) {
        var innerSub = null;
        var syncUnsub = false;
        var handledResult;
        innerSub = source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, void 0, void 0, function(err) {
          handledResult = innerFrom_1.innerFrom(selector(err, catchError(selector)(source)));
          if (innerSub) {
            innerSub.unsubscribe();
            innerSub = null;
            handledResult.subscribe(subscriber);
          } else {
            syncUnsub = true;
          }
        }));
        if (syncUnsub) {
          innerSub.unsubscribe();
          innerSub = null;
          handledResult.subscribe(subscriber);
        }
      });
    }
    exports.catchError = catchError;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/scanInternals.js
var require_scanInternals = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/scanInternals.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scanInternals = void 0;
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function scanInternals(accumulator, seed, hasSeed, emitOnNext, emitBeforeComplete) {
      return function(source, subscriber) {
        var hasState = hasSeed;
        var state = seed;
        var index = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var i = index++;
          state = hasState ? accumulator(state, value, i) : (hasState = true, value);
          emitOnNext && subscriber.next(state);
        }, emitBeforeComplete && (function() {
          hasState && subscriber.next(state);
          subscriber.complete();
        })));
      };
    }
    exports.scanInternals = scanInternals;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/reduce.js
var require_reduce = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/reduce.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.reduce = void 0;
    var scanInternals_1 = require_scanInternals();
    var lift_1 = require_lift();
    function reduce(accumulator, seed) {
      return lift_1.operate(scanInternals_1.scanInternals(accumulator, seed, arguments.length >= 2, false, true));
    }
    exports.reduce = reduce;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/toArray.js
var require_toArray = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/toArray.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.toArray = void 0;
    var reduce_1 = require_reduce();
    var lift_1 = require_lift();
    var arrReducer = function(arr, value) {
      return arr.push(value), arr;
    };
    function toArray() {
      return lift_1.operate(function(source, subscriber) {
        reduce_1.reduce(arrReducer, [])(source).subscribe(subscriber);
      });
    }
    exports.toArray = toArray;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/joinAllInternals.js
var require_joinAllInternals = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/joinAllInternals.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.joinAllInternals = void 0;
    var identity_1 = require_identity();
    var mapOneOrManyArgs_1 = require_mapOneOrManyArgs();
    var pipe_1 = require_pipe();
    var mergeMap_1 = require_mergeMap();
    var toArray_1 = require_toArray();
    function joinAllInternals(joinFn, project) {
      return pipe_1.pipe(toArray_1.toArray(), mergeMap_1.mergeMap(function(sources) {
        return joinFn(sources);
      }), project ? mapOneOrManyArgs_1.mapOneOrManyArgs(project) : identity_1.identity);
    }
    exports.joinAllInternals = joinAllInternals;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/combineLatestAll.js
var require_combineLatestAll = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/combineLatestAll.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.combineLatestAll = void 0;
    var combineLatest_1 = require_combineLatest();
    var joinAllInternals_1 = require_joinAllInternals();
    function combineLatestAll(project) {
      return joinAllInternals_1.joinAllInternals(combineLatest_1.combineLatest, project);
    }
    exports.combineLatestAll = combineLatestAll;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/combineAll.js
var require_combineAll = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/combineAll.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.combineAll = void 0;
    var combineLatestAll_1 = require_combineLatestAll();
    exports.combineAll = combineLatestAll_1.combineLatestAll;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/combineLatest.js
var require_combineLatest2 = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/combineLatest.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.combineLatest = void 0;
    var combineLatest_1 = require_combineLatest();
    var lift_1 = require_lift();
    var argsOrArgArray_1 = require_argsOrArgArray();
    var mapOneOrManyArgs_1 = require_mapOneOrManyArgs();
    var pipe_1 = require_pipe();
    var args_1 = require_args();
    function combineLatest() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      var resultSelector = args_1.popResultSelector(args);
      return resultSelector ? pipe_1.pipe(combineLatest.apply(void 0, __spreadArray([], __read(args))), mapOneOrManyArgs_1.mapOneOrManyArgs(resultSelector)) : lift_1.operate(function(source, subscriber) {
        combineLatest_1.combineLatestInit(__spreadArray([source], __read(argsOrArgArray_1.argsOrArgArray(args))))(subscriber);
      });
    }
    exports.combineLatest = combineLatest;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/combineLatestWith.js
var require_combineLatestWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/combineLatestWith.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.combineLatestWith = void 0;
    var combineLatest_1 = require_combineLatest2();
    function combineLatestWith() {
      var otherSources = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        otherSources[_i] = arguments[_i];
      }
      return combineLatest_1.combineLatest.apply(void 0, __spreadArray([], __read(otherSources)));
    }
    exports.combineLatestWith = combineLatestWith;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/concatMap.js
var require_concatMap = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/concatMap.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.concatMap = void 0;
    var mergeMap_1 = require_mergeMap();
    var isFunction_1 = require_isFunction();
    function concatMap3(project, resultSelector) {
      return isFunction_1.isFunction(resultSelector) ? mergeMap_1.mergeMap(project, resultSelector, 1) : mergeMap_1.mergeMap(project, 1);
    }
    exports.concatMap = concatMap3;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/concatMapTo.js
var require_concatMapTo = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/concatMapTo.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.concatMapTo = void 0;
    var concatMap_1 = require_concatMap();
    var isFunction_1 = require_isFunction();
    function concatMapTo(innerObservable, resultSelector) {
      return isFunction_1.isFunction(resultSelector) ? concatMap_1.concatMap(function() {
        return innerObservable;
      }, resultSelector) : concatMap_1.concatMap(function() {
        return innerObservable;
      });
    }
    exports.concatMapTo = concatMapTo;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/concat.js
var require_concat2 = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/concat.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.concat = void 0;
    var lift_1 = require_lift();
    var concatAll_1 = require_concatAll();
    var args_1 = require_args();
    var from_1 = require_from();
    function concat() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      var scheduler = args_1.popScheduler(args);
      return lift_1.operate(function(source, subscriber) {
        concatAll_1.concatAll()(from_1.from(__spreadArray([source], __read(args)), scheduler)).subscribe(subscriber);
      });
    }
    exports.concat = concat;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/concatWith.js
var require_concatWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/concatWith.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.concatWith = void 0;
    var concat_1 = require_concat2();
    function concatWith() {
      var otherSources = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        otherSources[_i] = arguments[_i];
      }
      return concat_1.concat.apply(void 0, __spreadArray([], __read(otherSources)));
    }
    exports.concatWith = concatWith;
  }
});

// node_modules/rxjs/dist/cjs/internal/observable/fromSubscribable.js
var require_fromSubscribable = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/observable/fromSubscribable.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.fromSubscribable = void 0;
    var Observable_1 = require_Observable();
    function fromSubscribable(subscribable) {
      return new Observable_1.Observable(function(subscriber) {
        return subscribable.subscribe(subscriber);
      });
    }
    exports.fromSubscribable = fromSubscribable;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/connect.js
var require_connect = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/connect.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.connect = void 0;
    var Subject_1 = require_Subject();
    var innerFrom_1 = require_innerFrom();
    var lift_1 = require_lift();
    var fromSubscribable_1 = require_fromSubscribable();
    var DEFAULT_CONFIG = {
      connector: function() {
        return new Subject_1.Subject();
      }
    };
    function connect4(selector, config) {
      if (config === void 0) {
        config = DEFAULT_CONFIG;
      }
      var connector = config.connector;
      return lift_1.operate(function(source, subscriber) {
        var subject = connector();
        innerFrom_1.innerFrom(selector(fromSubscribable_1.fromSubscribable(subject))).subscribe(subscriber);
        subscriber.add(source.subscribe(subject));
      });
    }
    exports.connect = connect4;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/count.js
var require_count = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/count.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.count = void 0;
    var reduce_1 = require_reduce();
    function count(predicate) {
      return reduce_1.reduce(function(total, value, i) {
        return !predicate || predicate(value, i) ? total + 1 : total;
      }, 0);
    }
    exports.count = count;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/debounce.js
var require_debounce = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/debounce.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.debounce = void 0;
    var lift_1 = require_lift();
    var noop_1 = require_noop();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    function debounce(durationSelector) {
      return lift_1.operate(function(source, subscriber) {
        var hasValue = false;
        var lastValue = null;
        var durationSubscriber = null;
        var emit = function() {
          durationSubscriber === null || durationSubscriber === void 0 ? void 0 : durationSubscriber.unsubscribe();
          durationSubscriber = null;
          if (hasValue) {
            hasValue = false;
            var value = lastValue;
            lastValue = null;
            subscriber.next(value);
          }
        };
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          durationSubscriber === null || durationSubscriber === void 0 ? void 0 : durationSubscriber.unsubscribe();
          hasValue = true;
          lastValue = value;
          durationSubscriber = OperatorSubscriber_1.createOperatorSubscriber(subscriber, emit, noop_1.noop);
          innerFrom_1.innerFrom(durationSelector(value)).subscribe(durationSubscriber);
        }, function() {
          emit();
          subscriber.complete();
        }, void 0, function() {
          lastValue = durationSubscriber = null;
        }));
      });
    }
    exports.debounce = debounce;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/debounceTime.js
var require_debounceTime = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/debounceTime.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.debounceTime = void 0;
    var async_1 = require_async();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function debounceTime(dueTime, scheduler) {
      if (scheduler === void 0) {
        scheduler = async_1.asyncScheduler;
      }
      return lift_1.operate(function(source, subscriber) {
        var activeTask = null;
        var lastValue = null;
        var lastTime = null;
        var emit = function() {
          if (activeTask) {
            activeTask.unsubscribe();
            activeTask = null;
            var value = lastValue;
            lastValue = null;
            subscriber.next(value);
          }
        };
        function emitWhenIdle() {
          var targetTime = lastTime + dueTime;
          var now = scheduler.now();
          if (now < targetTime) {
            activeTask = this.schedule(void 0, targetTime - now);
            subscriber.add(activeTask);
            return;
          }
          emit();
        }
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          lastValue = value;
          lastTime = scheduler.now();
          if (!activeTask) {
            activeTask = scheduler.schedule(emitWhenIdle, dueTime);
            subscriber.add(activeTask);
          }
        }, function() {
          emit();
          subscriber.complete();
        }, void 0, function() {
          lastValue = activeTask = null;
        }));
      });
    }
    exports.debounceTime = debounceTime;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/defaultIfEmpty.js
var require_defaultIfEmpty = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/defaultIfEmpty.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.defaultIfEmpty = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function defaultIfEmpty(defaultValue) {
      return lift_1.operate(function(source, subscriber) {
        var hasValue = false;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          hasValue = true;
          subscriber.next(value);
        }, function() {
          if (!hasValue) {
            subscriber.next(defaultValue);
          }
          subscriber.complete();
        }));
      });
    }
    exports.defaultIfEmpty = defaultIfEmpty;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/take.js
var require_take = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/take.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.take = void 0;
    var empty_1 = require_empty();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function take(count) {
      return count <= 0 ? function() {
        return empty_1.EMPTY;
      } : lift_1.operate(function(source, subscriber) {
        var seen = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          if (++seen <= count) {
            subscriber.next(value);
            if (count <= seen) {
              subscriber.complete();
            }
          }
        }));
      });
    }
    exports.take = take;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/ignoreElements.js
var require_ignoreElements = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/ignoreElements.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.ignoreElements = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var noop_1 = require_noop();
    function ignoreElements() {
      return lift_1.operate(function(source, subscriber) {
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, noop_1.noop));
      });
    }
    exports.ignoreElements = ignoreElements;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/mapTo.js
var require_mapTo = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/mapTo.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.mapTo = void 0;
    var map_1 = require_map();
    function mapTo(value) {
      return map_1.map(function() {
        return value;
      });
    }
    exports.mapTo = mapTo;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/delayWhen.js
var require_delayWhen = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/delayWhen.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.delayWhen = void 0;
    var concat_1 = require_concat();
    var take_1 = require_take();
    var ignoreElements_1 = require_ignoreElements();
    var mapTo_1 = require_mapTo();
    var mergeMap_1 = require_mergeMap();
    var innerFrom_1 = require_innerFrom();
    function delayWhen(delayDurationSelector, subscriptionDelay) {
      if (subscriptionDelay) {
        return function(source) {
          return concat_1.concat(subscriptionDelay.pipe(take_1.take(1), ignoreElements_1.ignoreElements()), source.pipe(delayWhen(delayDurationSelector)));
        };
      }
      return mergeMap_1.mergeMap(function(value, index) {
        return innerFrom_1.innerFrom(delayDurationSelector(value, index)).pipe(take_1.take(1), mapTo_1.mapTo(value));
      });
    }
    exports.delayWhen = delayWhen;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/delay.js
var require_delay = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/delay.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.delay = void 0;
    var async_1 = require_async();
    var delayWhen_1 = require_delayWhen();
    var timer_1 = require_timer();
    function delay(due, scheduler) {
      if (scheduler === void 0) {
        scheduler = async_1.asyncScheduler;
      }
      var duration2 = timer_1.timer(due, scheduler);
      return delayWhen_1.delayWhen(function() {
        return duration2;
      });
    }
    exports.delay = delay;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/dematerialize.js
var require_dematerialize = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/dematerialize.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.dematerialize = void 0;
    var Notification_1 = require_Notification();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function dematerialize() {
      return lift_1.operate(function(source, subscriber) {
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(notification) {
          return Notification_1.observeNotification(notification, subscriber);
        }));
      });
    }
    exports.dematerialize = dematerialize;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/distinct.js
var require_distinct = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/distinct.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.distinct = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var noop_1 = require_noop();
    var innerFrom_1 = require_innerFrom();
    function distinct(keySelector, flushes) {
      return lift_1.operate(function(source, subscriber) {
        var distinctKeys = /* @__PURE__ */ new Set();
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var key = keySelector ? keySelector(value) : value;
          if (!distinctKeys.has(key)) {
            distinctKeys.add(key);
            subscriber.next(value);
          }
        }));
        flushes && innerFrom_1.innerFrom(flushes).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
          return distinctKeys.clear();
        }, noop_1.noop));
      });
    }
    exports.distinct = distinct;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/distinctUntilChanged.js
var require_distinctUntilChanged = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/distinctUntilChanged.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.distinctUntilChanged = void 0;
    var identity_1 = require_identity();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function distinctUntilChanged(comparator, keySelector) {
      if (keySelector === void 0) {
        keySelector = identity_1.identity;
      }
      comparator = comparator !== null && comparator !== void 0 ? comparator : defaultCompare;
      return lift_1.operate(function(source, subscriber) {
        var previousKey;
        var first = true;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var currentKey = keySelector(value);
          if (first || !comparator(previousKey, currentKey)) {
            first = false;
            previousKey = currentKey;
            subscriber.next(value);
          }
        }));
      });
    }
    exports.distinctUntilChanged = distinctUntilChanged;
    function defaultCompare(a, b) {
      return a === b;
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/distinctUntilKeyChanged.js
var require_distinctUntilKeyChanged = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/distinctUntilKeyChanged.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.distinctUntilKeyChanged = void 0;
    var distinctUntilChanged_1 = require_distinctUntilChanged();
    function distinctUntilKeyChanged(key, compare) {
      return distinctUntilChanged_1.distinctUntilChanged(function(x, y) {
        return compare ? compare(x[key], y[key]) : x[key] === y[key];
      });
    }
    exports.distinctUntilKeyChanged = distinctUntilKeyChanged;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/throwIfEmpty.js
var require_throwIfEmpty = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/throwIfEmpty.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.throwIfEmpty = void 0;
    var EmptyError_1 = require_EmptyError();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function throwIfEmpty(errorFactory) {
      if (errorFactory === void 0) {
        errorFactory = defaultErrorFactory;
      }
      return lift_1.operate(function(source, subscriber) {
        var hasValue = false;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          hasValue = true;
          subscriber.next(value);
        }, function() {
          return hasValue ? subscriber.complete() : subscriber.error(errorFactory());
        }));
      });
    }
    exports.throwIfEmpty = throwIfEmpty;
    function defaultErrorFactory() {
      return new EmptyError_1.EmptyError();
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/elementAt.js
var require_elementAt = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/elementAt.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.elementAt = void 0;
    var ArgumentOutOfRangeError_1 = require_ArgumentOutOfRangeError();
    var filter_1 = require_filter();
    var throwIfEmpty_1 = require_throwIfEmpty();
    var defaultIfEmpty_1 = require_defaultIfEmpty();
    var take_1 = require_take();
    function elementAt(index, defaultValue) {
      if (index < 0) {
        throw new ArgumentOutOfRangeError_1.ArgumentOutOfRangeError();
      }
      var hasDefaultValue = arguments.length >= 2;
      return function(source) {
        return source.pipe(filter_1.filter(function(v, i) {
          return i === index;
        }), take_1.take(1), hasDefaultValue ? defaultIfEmpty_1.defaultIfEmpty(defaultValue) : throwIfEmpty_1.throwIfEmpty(function() {
          return new ArgumentOutOfRangeError_1.ArgumentOutOfRangeError();
        }));
      };
    }
    exports.elementAt = elementAt;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/endWith.js
var require_endWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/endWith.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.endWith = void 0;
    var concat_1 = require_concat();
    var of_1 = require_of();
    function endWith() {
      var values = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        values[_i] = arguments[_i];
      }
      return function(source) {
        return concat_1.concat(source, of_1.of.apply(void 0, __spreadArray([], __read(values))));
      };
    }
    exports.endWith = endWith;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/every.js
var require_every = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/every.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.every = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function every(predicate, thisArg) {
      return lift_1.operate(function(source, subscriber) {
        var index = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          if (!predicate.call(thisArg, value, index++, source)) {
            subscriber.next(false);
            subscriber.complete();
          }
        }, function() {
          subscriber.next(true);
          subscriber.complete();
        }));
      });
    }
    exports.every = every;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/exhaustMap.js
var require_exhaustMap = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/exhaustMap.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.exhaustMap = void 0;
    var map_1 = require_map();
    var innerFrom_1 = require_innerFrom();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function exhaustMap(project, resultSelector) {
      if (resultSelector) {
        return function(source) {
          return source.pipe(exhaustMap(function(a, i) {
            return innerFrom_1.innerFrom(project(a, i)).pipe(map_1.map(function(b, ii) {
              return resultSelector(a, b, i, ii);
            }));
          }));
        };
      }
      return lift_1.operate(function(source, subscriber) {
        var index = 0;
        var innerSub = null;
        var isComplete = false;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(outerValue) {
          if (!innerSub) {
            innerSub = OperatorSubscriber_1.createOperatorSubscriber(subscriber, void 0, function() {
              innerSub = null;
              isComplete && subscriber.complete();
            });
            innerFrom_1.innerFrom(project(outerValue, index++)).subscribe(innerSub);
          }
        }, function() {
          isComplete = true;
          !innerSub && subscriber.complete();
        }));
      });
    }
    exports.exhaustMap = exhaustMap;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/exhaustAll.js
var require_exhaustAll = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/exhaustAll.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.exhaustAll = void 0;
    var exhaustMap_1 = require_exhaustMap();
    var identity_1 = require_identity();
    function exhaustAll() {
      return exhaustMap_1.exhaustMap(identity_1.identity);
    }
    exports.exhaustAll = exhaustAll;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/exhaust.js
var require_exhaust = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/exhaust.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.exhaust = void 0;
    var exhaustAll_1 = require_exhaustAll();
    exports.exhaust = exhaustAll_1.exhaustAll;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/expand.js
var require_expand = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/expand.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.expand = void 0;
    var lift_1 = require_lift();
    var mergeInternals_1 = require_mergeInternals();
    function expand(project, concurrent, scheduler) {
      if (concurrent === void 0) {
        concurrent = Infinity;
      }
      concurrent = (concurrent || 0) < 1 ? Infinity : concurrent;
      return lift_1.operate(function(source, subscriber) {
        return mergeInternals_1.mergeInternals(source, subscriber, project, concurrent, void 0, true, scheduler);
      });
    }
    exports.expand = expand;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/finalize.js
var require_finalize = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/finalize.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.finalize = void 0;
    var lift_1 = require_lift();
    function finalize(callback) {
      return lift_1.operate(function(source, subscriber) {
        try {
          source.subscribe(subscriber);
        } finally {
          subscriber.add(callback);
        }
      });
    }
    exports.finalize = finalize;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/find.js
var require_find = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/find.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.createFind = exports.find = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function find(predicate, thisArg) {
      return lift_1.operate(createFind(predicate, thisArg, "value"));
    }
    exports.find = find;
    function createFind(predicate, thisArg, emit) {
      var findIndex = emit === "index";
      return function(source, subscriber) {
        var index = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var i = index++;
          if (predicate.call(thisArg, value, i, source)) {
            subscriber.next(findIndex ? i : value);
            subscriber.complete();
          }
        }, function() {
          subscriber.next(findIndex ? -1 : void 0);
          subscriber.complete();
        }));
      };
    }
    exports.createFind = createFind;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/findIndex.js
var require_findIndex = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/findIndex.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.findIndex = void 0;
    var lift_1 = require_lift();
    var find_1 = require_find();
    function findIndex(predicate, thisArg) {
      return lift_1.operate(find_1.createFind(predicate, thisArg, "index"));
    }
    exports.findIndex = findIndex;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/first.js
var require_first = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/first.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.first = void 0;
    var EmptyError_1 = require_EmptyError();
    var filter_1 = require_filter();
    var take_1 = require_take();
    var defaultIfEmpty_1 = require_defaultIfEmpty();
    var throwIfEmpty_1 = require_throwIfEmpty();
    var identity_1 = require_identity();
    function first(predicate, defaultValue) {
      var hasDefaultValue = arguments.length >= 2;
      return function(source) {
        return source.pipe(predicate ? filter_1.filter(function(v, i) {
          return predicate(v, i, source);
        }) : identity_1.identity, take_1.take(1), hasDefaultValue ? defaultIfEmpty_1.defaultIfEmpty(defaultValue) : throwIfEmpty_1.throwIfEmpty(function() {
          return new EmptyError_1.EmptyError();
        }));
      };
    }
    exports.first = first;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/groupBy.js
var require_groupBy = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/groupBy.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.groupBy = void 0;
    var Observable_1 = require_Observable();
    var innerFrom_1 = require_innerFrom();
    var Subject_1 = require_Subject();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function groupBy(keySelector, elementOrOptions, duration2, connector) {
      return lift_1.operate(function(source, subscriber) {
        var element;
        if (!elementOrOptions || typeof elementOrOptions === "function") {
          element = elementOrOptions;
        } else {
          duration2 = elementOrOptions.duration, element = elementOrOptions.element, connector = elementOrOptions.connector;
        }
        var groups = /* @__PURE__ */ new Map();
        var notify = function(cb) {
          groups.forEach(cb);
          cb(subscriber);
        };
        var handleError = function(err) {
          return notify(function(consumer) {
            return consumer.error(err);
          });
        };
        var activeGroups = 0;
        var teardownAttempted = false;
        var groupBySourceSubscriber = new OperatorSubscriber_1.OperatorSubscriber(subscriber, function(value) {
          try {
            var key_1 = keySelector(value);
            var group_1 = groups.get(key_1);
            if (!group_1) {
              groups.set(key_1, group_1 = connector ? connector() : new Subject_1.Subject());
              var grouped = createGroupedObservable(key_1, group_1);
              subscriber.next(grouped);
              if (duration2) {
                var durationSubscriber_1 = OperatorSubscriber_1.createOperatorSubscriber(group_1, function() {
                  group_1.complete();
                  durationSubscriber_1 === null || durationSubscriber_1 === void 0 ? void 0 : durationSubscriber_1.unsubscribe();
                }, void 0, void 0, function() {
                  return groups.delete(key_1);
                });
                groupBySourceSubscriber.add(innerFrom_1.innerFrom(duration2(grouped)).subscribe(durationSubscriber_1));
              }
            }
            group_1.next(element ? element(value) : value);
          } catch (err) {
            handleError(err);
          }
        }, function() {
          return notify(function(consumer) {
            return consumer.complete();
          });
        }, handleError, function() {
          return groups.clear();
        }, function() {
          teardownAttempted = true;
          return activeGroups === 0;
        });
        source.subscribe(groupBySourceSubscriber);
        function createGroupedObservable(key, groupSubject) {
          var result = new Observable_1.Observable(function(groupSubscriber) {
            activeGroups++;
            var innerSub = groupSubject.subscribe(groupSubscriber);
            return function() {
              innerSub.unsubscribe();
              --activeGroups === 0 && teardownAttempted && groupBySourceSubscriber.unsubscribe();
            };
          });
          result.key = key;
          return result;
        }
      });
    }
    exports.groupBy = groupBy;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/isEmpty.js
var require_isEmpty = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/isEmpty.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.isEmpty = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function isEmpty() {
      return lift_1.operate(function(source, subscriber) {
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
          subscriber.next(false);
          subscriber.complete();
        }, function() {
          subscriber.next(true);
          subscriber.complete();
        }));
      });
    }
    exports.isEmpty = isEmpty;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/takeLast.js
var require_takeLast = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/takeLast.js"(exports) {
    "use strict";
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.takeLast = void 0;
    var empty_1 = require_empty();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function takeLast(count) {
      return count <= 0 ? function() {
        return empty_1.EMPTY;
      } : lift_1.operate(function(source, subscriber) {
        var buffer = [];
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          buffer.push(value);
          count < buffer.length && buffer.shift();
        }, function() {
          var e_1, _a;
          try {
            for (var buffer_1 = __values(buffer), buffer_1_1 = buffer_1.next(); !buffer_1_1.done; buffer_1_1 = buffer_1.next()) {
              var value = buffer_1_1.value;
              subscriber.next(value);
            }
          } catch (e_1_1) {
            e_1 = { error: e_1_1 };
          } finally {
            try {
              if (buffer_1_1 && !buffer_1_1.done && (_a = buffer_1.return)) _a.call(buffer_1);
            } finally {
              if (e_1) throw e_1.error;
            }
          }
          subscriber.complete();
        }, void 0, function() {
          buffer = null;
        }));
      });
    }
    exports.takeLast = takeLast;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/last.js
var require_last = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/last.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.last = void 0;
    var EmptyError_1 = require_EmptyError();
    var filter_1 = require_filter();
    var takeLast_1 = require_takeLast();
    var throwIfEmpty_1 = require_throwIfEmpty();
    var defaultIfEmpty_1 = require_defaultIfEmpty();
    var identity_1 = require_identity();
    function last(predicate, defaultValue) {
      var hasDefaultValue = arguments.length >= 2;
      return function(source) {
        return source.pipe(predicate ? filter_1.filter(function(v, i) {
          return predicate(v, i, source);
        }) : identity_1.identity, takeLast_1.takeLast(1), hasDefaultValue ? defaultIfEmpty_1.defaultIfEmpty(defaultValue) : throwIfEmpty_1.throwIfEmpty(function() {
          return new EmptyError_1.EmptyError();
        }));
      };
    }
    exports.last = last;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/materialize.js
var require_materialize = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/materialize.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.materialize = void 0;
    var Notification_1 = require_Notification();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function materialize() {
      return lift_1.operate(function(source, subscriber) {
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          subscriber.next(Notification_1.Notification.createNext(value));
        }, function() {
          subscriber.next(Notification_1.Notification.createComplete());
          subscriber.complete();
        }, function(err) {
          subscriber.next(Notification_1.Notification.createError(err));
          subscriber.complete();
        }));
      });
    }
    exports.materialize = materialize;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/max.js
var require_max = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/max.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.max = void 0;
    var reduce_1 = require_reduce();
    var isFunction_1 = require_isFunction();
    function max(comparer) {
      return reduce_1.reduce(isFunction_1.isFunction(comparer) ? function(x, y) {
        return comparer(x, y) > 0 ? x : y;
      } : function(x, y) {
        return x > y ? x : y;
      });
    }
    exports.max = max;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/flatMap.js
var require_flatMap = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/flatMap.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.flatMap = void 0;
    var mergeMap_1 = require_mergeMap();
    exports.flatMap = mergeMap_1.mergeMap;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/mergeMapTo.js
var require_mergeMapTo = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/mergeMapTo.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.mergeMapTo = void 0;
    var mergeMap_1 = require_mergeMap();
    var isFunction_1 = require_isFunction();
    function mergeMapTo(innerObservable, resultSelector, concurrent) {
      if (concurrent === void 0) {
        concurrent = Infinity;
      }
      if (isFunction_1.isFunction(resultSelector)) {
        return mergeMap_1.mergeMap(function() {
          return innerObservable;
        }, resultSelector, concurrent);
      }
      if (typeof resultSelector === "number") {
        concurrent = resultSelector;
      }
      return mergeMap_1.mergeMap(function() {
        return innerObservable;
      }, concurrent);
    }
    exports.mergeMapTo = mergeMapTo;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/mergeScan.js
var require_mergeScan = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/mergeScan.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.mergeScan = void 0;
    var lift_1 = require_lift();
    var mergeInternals_1 = require_mergeInternals();
    function mergeScan(accumulator, seed, concurrent) {
      if (concurrent === void 0) {
        concurrent = Infinity;
      }
      return lift_1.operate(function(source, subscriber) {
        var state = seed;
        return mergeInternals_1.mergeInternals(source, subscriber, function(value, index) {
          return accumulator(state, value, index);
        }, concurrent, function(value) {
          state = value;
        }, false, void 0, function() {
          return state = null;
        });
      });
    }
    exports.mergeScan = mergeScan;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/merge.js
var require_merge2 = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/merge.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.merge = void 0;
    var lift_1 = require_lift();
    var mergeAll_1 = require_mergeAll();
    var args_1 = require_args();
    var from_1 = require_from();
    function merge2() {
      var args = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        args[_i] = arguments[_i];
      }
      var scheduler = args_1.popScheduler(args);
      var concurrent = args_1.popNumber(args, Infinity);
      return lift_1.operate(function(source, subscriber) {
        mergeAll_1.mergeAll(concurrent)(from_1.from(__spreadArray([source], __read(args)), scheduler)).subscribe(subscriber);
      });
    }
    exports.merge = merge2;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/mergeWith.js
var require_mergeWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/mergeWith.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.mergeWith = void 0;
    var merge_1 = require_merge2();
    function mergeWith() {
      var otherSources = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        otherSources[_i] = arguments[_i];
      }
      return merge_1.merge.apply(void 0, __spreadArray([], __read(otherSources)));
    }
    exports.mergeWith = mergeWith;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/min.js
var require_min = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/min.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.min = void 0;
    var reduce_1 = require_reduce();
    var isFunction_1 = require_isFunction();
    function min(comparer) {
      return reduce_1.reduce(isFunction_1.isFunction(comparer) ? function(x, y) {
        return comparer(x, y) < 0 ? x : y;
      } : function(x, y) {
        return x < y ? x : y;
      });
    }
    exports.min = min;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/multicast.js
var require_multicast = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/multicast.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.multicast = void 0;
    var ConnectableObservable_1 = require_ConnectableObservable();
    var isFunction_1 = require_isFunction();
    var connect_1 = require_connect();
    function multicast(subjectOrSubjectFactory, selector) {
      var subjectFactory = isFunction_1.isFunction(subjectOrSubjectFactory) ? subjectOrSubjectFactory : function() {
        return subjectOrSubjectFactory;
      };
      if (isFunction_1.isFunction(selector)) {
        return connect_1.connect(selector, {
          connector: subjectFactory
        });
      }
      return function(source) {
        return new ConnectableObservable_1.ConnectableObservable(source, subjectFactory);
      };
    }
    exports.multicast = multicast;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/onErrorResumeNextWith.js
var require_onErrorResumeNextWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/onErrorResumeNextWith.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.onErrorResumeNext = exports.onErrorResumeNextWith = void 0;
    var argsOrArgArray_1 = require_argsOrArgArray();
    var onErrorResumeNext_1 = require_onErrorResumeNext();
    function onErrorResumeNextWith() {
      var sources = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        sources[_i] = arguments[_i];
      }
      var nextSources = argsOrArgArray_1.argsOrArgArray(sources);
      return function(source) {
        return onErrorResumeNext_1.onErrorResumeNext.apply(void 0, __spreadArray([source], __read(nextSources)));
      };
    }
    exports.onErrorResumeNextWith = onErrorResumeNextWith;
    exports.onErrorResumeNext = onErrorResumeNextWith;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/pairwise.js
var require_pairwise = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/pairwise.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.pairwise = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function pairwise() {
      return lift_1.operate(function(source, subscriber) {
        var prev;
        var hasPrev = false;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var p = prev;
          prev = value;
          hasPrev && subscriber.next([p, value]);
          hasPrev = true;
        }));
      });
    }
    exports.pairwise = pairwise;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/pluck.js
var require_pluck = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/pluck.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.pluck = void 0;
    var map_1 = require_map();
    function pluck() {
      var properties = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        properties[_i] = arguments[_i];
      }
      var length = properties.length;
      if (length === 0) {
        throw new Error("list of properties cannot be empty.");
      }
      return map_1.map(function(x) {
        var currentProp = x;
        for (var i = 0; i < length; i++) {
          var p = currentProp === null || currentProp === void 0 ? void 0 : currentProp[properties[i]];
          if (typeof p !== "undefined") {
            currentProp = p;
          } else {
            return void 0;
          }
        }
        return currentProp;
      });
    }
    exports.pluck = pluck;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/publish.js
var require_publish = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/publish.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.publish = void 0;
    var Subject_1 = require_Subject();
    var multicast_1 = require_multicast();
    var connect_1 = require_connect();
    function publish(selector) {
      return selector ? function(source) {
        return connect_1.connect(selector)(source);
      } : function(source) {
        return multicast_1.multicast(new Subject_1.Subject())(source);
      };
    }
    exports.publish = publish;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/publishBehavior.js
var require_publishBehavior = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/publishBehavior.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.publishBehavior = void 0;
    var BehaviorSubject_1 = require_BehaviorSubject();
    var ConnectableObservable_1 = require_ConnectableObservable();
    function publishBehavior(initialValue) {
      return function(source) {
        var subject = new BehaviorSubject_1.BehaviorSubject(initialValue);
        return new ConnectableObservable_1.ConnectableObservable(source, function() {
          return subject;
        });
      };
    }
    exports.publishBehavior = publishBehavior;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/publishLast.js
var require_publishLast = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/publishLast.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.publishLast = void 0;
    var AsyncSubject_1 = require_AsyncSubject();
    var ConnectableObservable_1 = require_ConnectableObservable();
    function publishLast() {
      return function(source) {
        var subject = new AsyncSubject_1.AsyncSubject();
        return new ConnectableObservable_1.ConnectableObservable(source, function() {
          return subject;
        });
      };
    }
    exports.publishLast = publishLast;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/publishReplay.js
var require_publishReplay = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/publishReplay.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.publishReplay = void 0;
    var ReplaySubject_1 = require_ReplaySubject();
    var multicast_1 = require_multicast();
    var isFunction_1 = require_isFunction();
    function publishReplay(bufferSize, windowTime, selectorOrScheduler, timestampProvider) {
      if (selectorOrScheduler && !isFunction_1.isFunction(selectorOrScheduler)) {
        timestampProvider = selectorOrScheduler;
      }
      var selector = isFunction_1.isFunction(selectorOrScheduler) ? selectorOrScheduler : void 0;
      return function(source) {
        return multicast_1.multicast(new ReplaySubject_1.ReplaySubject(bufferSize, windowTime, timestampProvider), selector)(source);
      };
    }
    exports.publishReplay = publishReplay;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/raceWith.js
var require_raceWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/raceWith.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.raceWith = void 0;
    var race_1 = require_race();
    var lift_1 = require_lift();
    var identity_1 = require_identity();
    function raceWith() {
      var otherSources = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        otherSources[_i] = arguments[_i];
      }
      return !otherSources.length ? identity_1.identity : lift_1.operate(function(source, subscriber) {
        race_1.raceInit(__spreadArray([source], __read(otherSources)))(subscriber);
      });
    }
    exports.raceWith = raceWith;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/repeat.js
var require_repeat = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/repeat.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.repeat = void 0;
    var empty_1 = require_empty();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    var timer_1 = require_timer();
    function repeat(countOrConfig) {
      var _a;
      var count = Infinity;
      var delay;
      if (countOrConfig != null) {
        if (typeof countOrConfig === "object") {
          _a = countOrConfig.count, count = _a === void 0 ? Infinity : _a, delay = countOrConfig.delay;
        } else {
          count = countOrConfig;
        }
      }
      return count <= 0 ? function() {
        return empty_1.EMPTY;
      } : lift_1.operate(function(source, subscriber) {
        var soFar = 0;
        var sourceSub;
        var resubscribe = function() {
          sourceSub === null || sourceSub === void 0 ? void 0 : sourceSub.unsubscribe();
          sourceSub = null;
          if (delay != null) {
            var notifier = typeof delay === "number" ? timer_1.timer(delay) : innerFrom_1.innerFrom(delay(soFar));
            var notifierSubscriber_1 = OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
              notifierSubscriber_1.unsubscribe();
              subscribeToSource();
            });
            notifier.subscribe(notifierSubscriber_1);
          } else {
            subscribeToSource();
          }
        };
        var subscribeToSource = function() {
          var syncUnsub = false;
          sourceSub = source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, void 0, function() {
            if (++soFar < count) {
              if (sourceSub) {
                resubscribe();
              } else {
                syncUnsub = true;
              }
            } else {
              subscriber.complete();
            }
          }));
          if (syncUnsub) {
            resubscribe();
          }
        };
        subscribeToSource();
      });
    }
    exports.repeat = repeat;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/repeatWhen.js
var require_repeatWhen = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/repeatWhen.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.repeatWhen = void 0;
    var innerFrom_1 = require_innerFrom();
    var Subject_1 = require_Subject();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function repeatWhen(notifier) {
      return lift_1.operate(function(source, subscriber) {
        var innerSub;
        var syncResub = false;
        var completions$;
        var isNotifierComplete = false;
        var isMainComplete = false;
        var checkComplete = function() {
          return isMainComplete && isNotifierComplete && (subscriber.complete(), true);
        };
        var getCompletionSubject = function() {
          if (!completions$) {
            completions$ = new Subject_1.Subject();
            innerFrom_1.innerFrom(notifier(completions$)).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
              if (innerSub) {
                subscribeForRepeatWhen();
              } else {
                syncResub = true;
              }
            }, function() {
              isNotifierComplete = true;
              checkComplete();
            }));
          }
          return completions$;
        };
        var subscribeForRepeatWhen = function() {
          isMainComplete = false;
          innerSub = source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, void 0, function() {
            isMainComplete = true;
            !checkComplete() && getCompletionSubject().next();
          }));
          if (syncResub) {
            innerSub.unsubscribe();
            innerSub = null;
            syncResub = false;
            subscribeForRepeatWhen();
          }
        };
        subscribeForRepeatWhen();
      });
    }
    exports.repeatWhen = repeatWhen;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/retry.js
var require_retry = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/retry.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.retry = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var identity_1 = require_identity();
    var timer_1 = require_timer();
    var innerFrom_1 = require_innerFrom();
    function retry(configOrCount) {
      if (configOrCount === void 0) {
        configOrCount = Infinity;
      }
      var config;
      if (configOrCount && typeof configOrCount === "object") {
        config = configOrCount;
      } else {
        config = {
          count: configOrCount
        };
      }
      var _a = config.count, count = _a === void 0 ? Infinity : _a, delay = config.delay, _b = config.resetOnSuccess, resetOnSuccess = _b === void 0 ? false : _b;
      return count <= 0 ? identity_1.identity : lift_1.operate(function(source, subscriber) {
        var soFar = 0;
        var innerSub;
        var subscribeForRetry = function() {
          var syncUnsub = false;
          innerSub = source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
            if (resetOnSuccess) {
              soFar = 0;
            }
            subscriber.next(value);
          }, void 0, function(err) {
            if (soFar++ < count) {
              var resub_1 = function() {
                if (innerSub) {
                  innerSub.unsubscribe();
                  innerSub = null;
                  subscribeForRetry();
                } else {
                  syncUnsub = true;
                }
              };
              if (delay != null) {
                var notifier = typeof delay === "number" ? timer_1.timer(delay) : innerFrom_1.innerFrom(delay(err, soFar));
                var notifierSubscriber_1 = OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
                  notifierSubscriber_1.unsubscribe();
                  resub_1();
                }, function() {
                  subscriber.complete();
                });
                notifier.subscribe(notifierSubscriber_1);
              } else {
                resub_1();
              }
            } else {
              subscriber.error(err);
            }
          }));
          if (syncUnsub) {
            innerSub.unsubscribe();
            innerSub = null;
            subscribeForRetry();
          }
        };
        subscribeForRetry();
      });
    }
    exports.retry = retry;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/retryWhen.js
var require_retryWhen = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/retryWhen.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.retryWhen = void 0;
    var innerFrom_1 = require_innerFrom();
    var Subject_1 = require_Subject();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function retryWhen(notifier) {
      return lift_1.operate(function(source, subscriber) {
        var innerSub;
        var syncResub = false;
        var errors$;
        var subscribeForRetryWhen = function() {
          innerSub = source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, void 0, void 0, function(err) {
            if (!errors$) {
              errors$ = new Subject_1.Subject();
              innerFrom_1.innerFrom(notifier(errors$)).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
                return innerSub ? subscribeForRetryWhen() : syncResub = true;
              }));
            }
            if (errors$) {
              errors$.next(err);
            }
          }));
          if (syncResub) {
            innerSub.unsubscribe();
            innerSub = null;
            syncResub = false;
            subscribeForRetryWhen();
          }
        };
        subscribeForRetryWhen();
      });
    }
    exports.retryWhen = retryWhen;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/sample.js
var require_sample = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/sample.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.sample = void 0;
    var innerFrom_1 = require_innerFrom();
    var lift_1 = require_lift();
    var noop_1 = require_noop();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function sample(notifier) {
      return lift_1.operate(function(source, subscriber) {
        var hasValue = false;
        var lastValue = null;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          hasValue = true;
          lastValue = value;
        }));
        innerFrom_1.innerFrom(notifier).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
          if (hasValue) {
            hasValue = false;
            var value = lastValue;
            lastValue = null;
            subscriber.next(value);
          }
        }, noop_1.noop));
      });
    }
    exports.sample = sample;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/sampleTime.js
var require_sampleTime = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/sampleTime.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.sampleTime = void 0;
    var async_1 = require_async();
    var sample_1 = require_sample();
    var interval_1 = require_interval();
    function sampleTime(period, scheduler) {
      if (scheduler === void 0) {
        scheduler = async_1.asyncScheduler;
      }
      return sample_1.sample(interval_1.interval(period, scheduler));
    }
    exports.sampleTime = sampleTime;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/scan.js
var require_scan = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/scan.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scan = void 0;
    var lift_1 = require_lift();
    var scanInternals_1 = require_scanInternals();
    function scan(accumulator, seed) {
      return lift_1.operate(scanInternals_1.scanInternals(accumulator, seed, arguments.length >= 2, true));
    }
    exports.scan = scan;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/sequenceEqual.js
var require_sequenceEqual = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/sequenceEqual.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.sequenceEqual = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    function sequenceEqual(compareTo, comparator) {
      if (comparator === void 0) {
        comparator = function(a, b) {
          return a === b;
        };
      }
      return lift_1.operate(function(source, subscriber) {
        var aState = createState();
        var bState = createState();
        var emit = function(isEqual) {
          subscriber.next(isEqual);
          subscriber.complete();
        };
        var createSubscriber = function(selfState, otherState) {
          var sequenceEqualSubscriber = OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(a) {
            var buffer = otherState.buffer, complete = otherState.complete;
            if (buffer.length === 0) {
              complete ? emit(false) : selfState.buffer.push(a);
            } else {
              !comparator(a, buffer.shift()) && emit(false);
            }
          }, function() {
            selfState.complete = true;
            var complete = otherState.complete, buffer = otherState.buffer;
            complete && emit(buffer.length === 0);
            sequenceEqualSubscriber === null || sequenceEqualSubscriber === void 0 ? void 0 : sequenceEqualSubscriber.unsubscribe();
          });
          return sequenceEqualSubscriber;
        };
        source.subscribe(createSubscriber(aState, bState));
        innerFrom_1.innerFrom(compareTo).subscribe(createSubscriber(bState, aState));
      });
    }
    exports.sequenceEqual = sequenceEqual;
    function createState() {
      return {
        buffer: [],
        complete: false
      };
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/share.js
var require_share = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/share.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.share = void 0;
    var innerFrom_1 = require_innerFrom();
    var Subject_1 = require_Subject();
    var Subscriber_1 = require_Subscriber();
    var lift_1 = require_lift();
    function share(options) {
      if (options === void 0) {
        options = {};
      }
      var _a = options.connector, connector = _a === void 0 ? function() {
        return new Subject_1.Subject();
      } : _a, _b = options.resetOnError, resetOnError = _b === void 0 ? true : _b, _c = options.resetOnComplete, resetOnComplete = _c === void 0 ? true : _c, _d = options.resetOnRefCountZero, resetOnRefCountZero = _d === void 0 ? true : _d;
      return function(wrapperSource) {
        var connection;
        var resetConnection;
        var subject;
        var refCount = 0;
        var hasCompleted = false;
        var hasErrored = false;
        var cancelReset = function() {
          resetConnection === null || resetConnection === void 0 ? void 0 : resetConnection.unsubscribe();
          resetConnection = void 0;
        };
        var reset = function() {
          cancelReset();
          connection = subject = void 0;
          hasCompleted = hasErrored = false;
        };
        var resetAndUnsubscribe = function() {
          var conn = connection;
          reset();
          conn === null || conn === void 0 ? void 0 : conn.unsubscribe();
        };
        return lift_1.operate(function(source, subscriber) {
          refCount++;
          if (!hasErrored && !hasCompleted) {
            cancelReset();
          }
          var dest = subject = subject !== null && subject !== void 0 ? subject : connector();
          subscriber.add(function() {
            refCount--;
            if (refCount === 0 && !hasErrored && !hasCompleted) {
              resetConnection = handleReset(resetAndUnsubscribe, resetOnRefCountZero);
            }
          });
          dest.subscribe(subscriber);
          if (!connection && refCount > 0) {
            connection = new Subscriber_1.SafeSubscriber({
              next: function(value) {
                return dest.next(value);
              },
              error: function(err) {
                hasErrored = true;
                cancelReset();
                resetConnection = handleReset(reset, resetOnError, err);
                dest.error(err);
              },
              complete: function() {
                hasCompleted = true;
                cancelReset();
                resetConnection = handleReset(reset, resetOnComplete);
                dest.complete();
              }
            });
            innerFrom_1.innerFrom(source).subscribe(connection);
          }
        })(wrapperSource);
      };
    }
    exports.share = share;
    function handleReset(reset, on) {
      var args = [];
      for (var _i = 2; _i < arguments.length; _i++) {
        args[_i - 2] = arguments[_i];
      }
      if (on === true) {
        reset();
        return;
      }
      if (on === false) {
        return;
      }
      var onSubscriber = new Subscriber_1.SafeSubscriber({
        next: function() {
          onSubscriber.unsubscribe();
          reset();
        }
      });
      return innerFrom_1.innerFrom(on.apply(void 0, __spreadArray([], __read(args)))).subscribe(onSubscriber);
    }
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/shareReplay.js
var require_shareReplay = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/shareReplay.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.shareReplay = void 0;
    var ReplaySubject_1 = require_ReplaySubject();
    var share_1 = require_share();
    function shareReplay(configOrBufferSize, windowTime, scheduler) {
      var _a, _b, _c;
      var bufferSize;
      var refCount = false;
      if (configOrBufferSize && typeof configOrBufferSize === "object") {
        _a = configOrBufferSize.bufferSize, bufferSize = _a === void 0 ? Infinity : _a, _b = configOrBufferSize.windowTime, windowTime = _b === void 0 ? Infinity : _b, _c = configOrBufferSize.refCount, refCount = _c === void 0 ? false : _c, scheduler = configOrBufferSize.scheduler;
      } else {
        bufferSize = configOrBufferSize !== null && configOrBufferSize !== void 0 ? configOrBufferSize : Infinity;
      }
      return share_1.share({
        connector: function() {
          return new ReplaySubject_1.ReplaySubject(bufferSize, windowTime, scheduler);
        },
        resetOnError: true,
        resetOnComplete: false,
        resetOnRefCountZero: refCount
      });
    }
    exports.shareReplay = shareReplay;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/single.js
var require_single = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/single.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.single = void 0;
    var EmptyError_1 = require_EmptyError();
    var SequenceError_1 = require_SequenceError();
    var NotFoundError_1 = require_NotFoundError();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function single(predicate) {
      return lift_1.operate(function(source, subscriber) {
        var hasValue = false;
        var singleValue;
        var seenValue = false;
        var index = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          seenValue = true;
          if (!predicate || predicate(value, index++, source)) {
            hasValue && subscriber.error(new SequenceError_1.SequenceError("Too many matching values"));
            hasValue = true;
            singleValue = value;
          }
        }, function() {
          if (hasValue) {
            subscriber.next(singleValue);
            subscriber.complete();
          } else {
            subscriber.error(seenValue ? new NotFoundError_1.NotFoundError("No matching values") : new EmptyError_1.EmptyError());
          }
        }));
      });
    }
    exports.single = single;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/skip.js
var require_skip = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/skip.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.skip = void 0;
    var filter_1 = require_filter();
    function skip(count) {
      return filter_1.filter(function(_, index) {
        return count <= index;
      });
    }
    exports.skip = skip;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/skipLast.js
var require_skipLast = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/skipLast.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.skipLast = void 0;
    var identity_1 = require_identity();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function skipLast(skipCount) {
      return skipCount <= 0 ? identity_1.identity : lift_1.operate(function(source, subscriber) {
        var ring = new Array(skipCount);
        var seen = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var valueIndex = seen++;
          if (valueIndex < skipCount) {
            ring[valueIndex] = value;
          } else {
            var index = valueIndex % skipCount;
            var oldValue = ring[index];
            ring[index] = value;
            subscriber.next(oldValue);
          }
        }));
        return function() {
          ring = null;
        };
      });
    }
    exports.skipLast = skipLast;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/skipUntil.js
var require_skipUntil = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/skipUntil.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.skipUntil = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    var noop_1 = require_noop();
    function skipUntil(notifier) {
      return lift_1.operate(function(source, subscriber) {
        var taking = false;
        var skipSubscriber = OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
          skipSubscriber === null || skipSubscriber === void 0 ? void 0 : skipSubscriber.unsubscribe();
          taking = true;
        }, noop_1.noop);
        innerFrom_1.innerFrom(notifier).subscribe(skipSubscriber);
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          return taking && subscriber.next(value);
        }));
      });
    }
    exports.skipUntil = skipUntil;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/skipWhile.js
var require_skipWhile = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/skipWhile.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.skipWhile = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function skipWhile(predicate) {
      return lift_1.operate(function(source, subscriber) {
        var taking = false;
        var index = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          return (taking || (taking = !predicate(value, index++))) && subscriber.next(value);
        }));
      });
    }
    exports.skipWhile = skipWhile;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/startWith.js
var require_startWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/startWith.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.startWith = void 0;
    var concat_1 = require_concat();
    var args_1 = require_args();
    var lift_1 = require_lift();
    function startWith() {
      var values = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        values[_i] = arguments[_i];
      }
      var scheduler = args_1.popScheduler(values);
      return lift_1.operate(function(source, subscriber) {
        (scheduler ? concat_1.concat(values, source, scheduler) : concat_1.concat(values, source)).subscribe(subscriber);
      });
    }
    exports.startWith = startWith;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/switchMap.js
var require_switchMap = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/switchMap.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.switchMap = void 0;
    var innerFrom_1 = require_innerFrom();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function switchMap(project, resultSelector) {
      return lift_1.operate(function(source, subscriber) {
        var innerSubscriber = null;
        var index = 0;
        var isComplete = false;
        var checkComplete = function() {
          return isComplete && !innerSubscriber && subscriber.complete();
        };
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          innerSubscriber === null || innerSubscriber === void 0 ? void 0 : innerSubscriber.unsubscribe();
          var innerIndex = 0;
          var outerIndex = index++;
          innerFrom_1.innerFrom(project(value, outerIndex)).subscribe(innerSubscriber = OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(innerValue) {
            return subscriber.next(resultSelector ? resultSelector(value, innerValue, outerIndex, innerIndex++) : innerValue);
          }, function() {
            innerSubscriber = null;
            checkComplete();
          }));
        }, function() {
          isComplete = true;
          checkComplete();
        }));
      });
    }
    exports.switchMap = switchMap;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/switchAll.js
var require_switchAll = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/switchAll.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.switchAll = void 0;
    var switchMap_1 = require_switchMap();
    var identity_1 = require_identity();
    function switchAll() {
      return switchMap_1.switchMap(identity_1.identity);
    }
    exports.switchAll = switchAll;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/switchMapTo.js
var require_switchMapTo = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/switchMapTo.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.switchMapTo = void 0;
    var switchMap_1 = require_switchMap();
    var isFunction_1 = require_isFunction();
    function switchMapTo(innerObservable, resultSelector) {
      return isFunction_1.isFunction(resultSelector) ? switchMap_1.switchMap(function() {
        return innerObservable;
      }, resultSelector) : switchMap_1.switchMap(function() {
        return innerObservable;
      });
    }
    exports.switchMapTo = switchMapTo;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/switchScan.js
var require_switchScan = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/switchScan.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.switchScan = void 0;
    var switchMap_1 = require_switchMap();
    var lift_1 = require_lift();
    function switchScan(accumulator, seed) {
      return lift_1.operate(function(source, subscriber) {
        var state = seed;
        switchMap_1.switchMap(function(value, index) {
          return accumulator(state, value, index);
        }, function(_, innerValue) {
          return state = innerValue, innerValue;
        })(source).subscribe(subscriber);
        return function() {
          state = null;
        };
      });
    }
    exports.switchScan = switchScan;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/takeUntil.js
var require_takeUntil = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/takeUntil.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.takeUntil = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    var noop_1 = require_noop();
    function takeUntil(notifier) {
      return lift_1.operate(function(source, subscriber) {
        innerFrom_1.innerFrom(notifier).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
          return subscriber.complete();
        }, noop_1.noop));
        !subscriber.closed && source.subscribe(subscriber);
      });
    }
    exports.takeUntil = takeUntil;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/takeWhile.js
var require_takeWhile = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/takeWhile.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.takeWhile = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function takeWhile(predicate, inclusive) {
      if (inclusive === void 0) {
        inclusive = false;
      }
      return lift_1.operate(function(source, subscriber) {
        var index = 0;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var result = predicate(value, index++);
          (result || inclusive) && subscriber.next(value);
          !result && subscriber.complete();
        }));
      });
    }
    exports.takeWhile = takeWhile;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/tap.js
var require_tap = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/tap.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.tap = void 0;
    var isFunction_1 = require_isFunction();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var identity_1 = require_identity();
    function tap(observerOrNext, error, complete) {
      var tapObserver = isFunction_1.isFunction(observerOrNext) || error || complete ? { next: observerOrNext, error, complete } : observerOrNext;
      return tapObserver ? lift_1.operate(function(source, subscriber) {
        var _a;
        (_a = tapObserver.subscribe) === null || _a === void 0 ? void 0 : _a.call(tapObserver);
        var isUnsub = true;
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var _a2;
          (_a2 = tapObserver.next) === null || _a2 === void 0 ? void 0 : _a2.call(tapObserver, value);
          subscriber.next(value);
        }, function() {
          var _a2;
          isUnsub = false;
          (_a2 = tapObserver.complete) === null || _a2 === void 0 ? void 0 : _a2.call(tapObserver);
          subscriber.complete();
        }, function(err) {
          var _a2;
          isUnsub = false;
          (_a2 = tapObserver.error) === null || _a2 === void 0 ? void 0 : _a2.call(tapObserver, err);
          subscriber.error(err);
        }, function() {
          var _a2, _b;
          if (isUnsub) {
            (_a2 = tapObserver.unsubscribe) === null || _a2 === void 0 ? void 0 : _a2.call(tapObserver);
          }
          (_b = tapObserver.finalize) === null || _b === void 0 ? void 0 : _b.call(tapObserver);
        }));
      }) : identity_1.identity;
    }
    exports.tap = tap;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/throttle.js
var require_throttle = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/throttle.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.throttle = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    function throttle(durationSelector, config) {
      return lift_1.operate(function(source, subscriber) {
        var _a = config !== null && config !== void 0 ? config : {}, _b = _a.leading, leading = _b === void 0 ? true : _b, _c = _a.trailing, trailing = _c === void 0 ? false : _c;
        var hasValue = false;
        var sendValue = null;
        var throttled = null;
        var isComplete = false;
        var endThrottling = function() {
          throttled === null || throttled === void 0 ? void 0 : throttled.unsubscribe();
          throttled = null;
          if (trailing) {
            send2();
            isComplete && subscriber.complete();
          }
        };
        var cleanupThrottling = function() {
          throttled = null;
          isComplete && subscriber.complete();
        };
        var startThrottle = function(value) {
          return throttled = innerFrom_1.innerFrom(durationSelector(value)).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, endThrottling, cleanupThrottling));
        };
        var send2 = function() {
          if (hasValue) {
            hasValue = false;
            var value = sendValue;
            sendValue = null;
            subscriber.next(value);
            !isComplete && startThrottle(value);
          }
        };
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          hasValue = true;
          sendValue = value;
          !(throttled && !throttled.closed) && (leading ? send2() : startThrottle(value));
        }, function() {
          isComplete = true;
          !(trailing && hasValue && throttled && !throttled.closed) && subscriber.complete();
        }));
      });
    }
    exports.throttle = throttle;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/throttleTime.js
var require_throttleTime = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/throttleTime.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.throttleTime = void 0;
    var async_1 = require_async();
    var throttle_1 = require_throttle();
    var timer_1 = require_timer();
    function throttleTime(duration2, scheduler, config) {
      if (scheduler === void 0) {
        scheduler = async_1.asyncScheduler;
      }
      var duration$ = timer_1.timer(duration2, scheduler);
      return throttle_1.throttle(function() {
        return duration$;
      }, config);
    }
    exports.throttleTime = throttleTime;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/timeInterval.js
var require_timeInterval = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/timeInterval.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.TimeInterval = exports.timeInterval = void 0;
    var async_1 = require_async();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function timeInterval(scheduler) {
      if (scheduler === void 0) {
        scheduler = async_1.asyncScheduler;
      }
      return lift_1.operate(function(source, subscriber) {
        var last = scheduler.now();
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var now = scheduler.now();
          var interval = now - last;
          last = now;
          subscriber.next(new TimeInterval(value, interval));
        }));
      });
    }
    exports.timeInterval = timeInterval;
    var TimeInterval = /* @__PURE__ */ (function() {
      function TimeInterval2(value, interval) {
        this.value = value;
        this.interval = interval;
      }
      return TimeInterval2;
    })();
    exports.TimeInterval = TimeInterval;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/timeoutWith.js
var require_timeoutWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/timeoutWith.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.timeoutWith = void 0;
    var async_1 = require_async();
    var isDate_1 = require_isDate();
    var timeout_1 = require_timeout();
    function timeoutWith(due, withObservable, scheduler) {
      var first;
      var each;
      var _with;
      scheduler = scheduler !== null && scheduler !== void 0 ? scheduler : async_1.async;
      if (isDate_1.isValidDate(due)) {
        first = due;
      } else if (typeof due === "number") {
        each = due;
      }
      if (withObservable) {
        _with = function() {
          return withObservable;
        };
      } else {
        throw new TypeError("No observable provided to switch to");
      }
      if (first == null && each == null) {
        throw new TypeError("No timeout provided.");
      }
      return timeout_1.timeout({
        first,
        each,
        scheduler,
        with: _with
      });
    }
    exports.timeoutWith = timeoutWith;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/timestamp.js
var require_timestamp = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/timestamp.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.timestamp = void 0;
    var dateTimestampProvider_1 = require_dateTimestampProvider();
    var map_1 = require_map();
    function timestamp(timestampProvider) {
      if (timestampProvider === void 0) {
        timestampProvider = dateTimestampProvider_1.dateTimestampProvider;
      }
      return map_1.map(function(value) {
        return { value, timestamp: timestampProvider.now() };
      });
    }
    exports.timestamp = timestamp;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/window.js
var require_window = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/window.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.window = void 0;
    var Subject_1 = require_Subject();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var noop_1 = require_noop();
    var innerFrom_1 = require_innerFrom();
    function window(windowBoundaries) {
      return lift_1.operate(function(source, subscriber) {
        var windowSubject = new Subject_1.Subject();
        subscriber.next(windowSubject.asObservable());
        var errorHandler = function(err) {
          windowSubject.error(err);
          subscriber.error(err);
        };
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          return windowSubject === null || windowSubject === void 0 ? void 0 : windowSubject.next(value);
        }, function() {
          windowSubject.complete();
          subscriber.complete();
        }, errorHandler));
        innerFrom_1.innerFrom(windowBoundaries).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function() {
          windowSubject.complete();
          subscriber.next(windowSubject = new Subject_1.Subject());
        }, noop_1.noop, errorHandler));
        return function() {
          windowSubject === null || windowSubject === void 0 ? void 0 : windowSubject.unsubscribe();
          windowSubject = null;
        };
      });
    }
    exports.window = window;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/windowCount.js
var require_windowCount = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/windowCount.js"(exports) {
    "use strict";
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.windowCount = void 0;
    var Subject_1 = require_Subject();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    function windowCount(windowSize, startWindowEvery) {
      if (startWindowEvery === void 0) {
        startWindowEvery = 0;
      }
      var startEvery = startWindowEvery > 0 ? startWindowEvery : windowSize;
      return lift_1.operate(function(source, subscriber) {
        var windows = [new Subject_1.Subject()];
        var starts = [];
        var count = 0;
        subscriber.next(windows[0].asObservable());
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var e_1, _a;
          try {
            for (var windows_1 = __values(windows), windows_1_1 = windows_1.next(); !windows_1_1.done; windows_1_1 = windows_1.next()) {
              var window_1 = windows_1_1.value;
              window_1.next(value);
            }
          } catch (e_1_1) {
            e_1 = { error: e_1_1 };
          } finally {
            try {
              if (windows_1_1 && !windows_1_1.done && (_a = windows_1.return)) _a.call(windows_1);
            } finally {
              if (e_1) throw e_1.error;
            }
          }
          var c = count - windowSize + 1;
          if (c >= 0 && c % startEvery === 0) {
            windows.shift().complete();
          }
          if (++count % startEvery === 0) {
            var window_2 = new Subject_1.Subject();
            windows.push(window_2);
            subscriber.next(window_2.asObservable());
          }
        }, function() {
          while (windows.length > 0) {
            windows.shift().complete();
          }
          subscriber.complete();
        }, function(err) {
          while (windows.length > 0) {
            windows.shift().error(err);
          }
          subscriber.error(err);
        }, function() {
          starts = null;
          windows = null;
        }));
      });
    }
    exports.windowCount = windowCount;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/windowTime.js
var require_windowTime = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/windowTime.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.windowTime = void 0;
    var Subject_1 = require_Subject();
    var async_1 = require_async();
    var Subscription_1 = require_Subscription();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var arrRemove_1 = require_arrRemove();
    var args_1 = require_args();
    var executeSchedule_1 = require_executeSchedule();
    function windowTime(windowTimeSpan) {
      var _a, _b;
      var otherArgs = [];
      for (var _i = 1; _i < arguments.length; _i++) {
        otherArgs[_i - 1] = arguments[_i];
      }
      var scheduler = (_a = args_1.popScheduler(otherArgs)) !== null && _a !== void 0 ? _a : async_1.asyncScheduler;
      var windowCreationInterval = (_b = otherArgs[0]) !== null && _b !== void 0 ? _b : null;
      var maxWindowSize = otherArgs[1] || Infinity;
      return lift_1.operate(function(source, subscriber) {
        var windowRecords = [];
        var restartOnClose = false;
        var closeWindow = function(record) {
          var window = record.window, subs = record.subs;
          window.complete();
          subs.unsubscribe();
          arrRemove_1.arrRemove(windowRecords, record);
          restartOnClose && startWindow();
        };
        var startWindow = function() {
          if (windowRecords) {
            var subs = new Subscription_1.Subscription();
            subscriber.add(subs);
            var window_1 = new Subject_1.Subject();
            var record_1 = {
              window: window_1,
              subs,
              seen: 0
            };
            windowRecords.push(record_1);
            subscriber.next(window_1.asObservable());
            executeSchedule_1.executeSchedule(subs, scheduler, function() {
              return closeWindow(record_1);
            }, windowTimeSpan);
          }
        };
        if (windowCreationInterval !== null && windowCreationInterval >= 0) {
          executeSchedule_1.executeSchedule(subscriber, scheduler, startWindow, windowCreationInterval, true);
        } else {
          restartOnClose = true;
        }
        startWindow();
        var loop = function(cb) {
          return windowRecords.slice().forEach(cb);
        };
        var terminate = function(cb) {
          loop(function(_a2) {
            var window = _a2.window;
            return cb(window);
          });
          cb(subscriber);
          subscriber.unsubscribe();
        };
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          loop(function(record) {
            record.window.next(value);
            maxWindowSize <= ++record.seen && closeWindow(record);
          });
        }, function() {
          return terminate(function(consumer) {
            return consumer.complete();
          });
        }, function(err) {
          return terminate(function(consumer) {
            return consumer.error(err);
          });
        }));
        return function() {
          windowRecords = null;
        };
      });
    }
    exports.windowTime = windowTime;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/windowToggle.js
var require_windowToggle = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/windowToggle.js"(exports) {
    "use strict";
    var __values = exports && exports.__values || function(o) {
      var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === "number") return {
        next: function() {
          if (o && i >= o.length) o = void 0;
          return { value: o && o[i++], done: !o };
        }
      };
      throw new TypeError(s ? "Object is not iterable." : "Symbol.iterator is not defined.");
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.windowToggle = void 0;
    var Subject_1 = require_Subject();
    var Subscription_1 = require_Subscription();
    var lift_1 = require_lift();
    var innerFrom_1 = require_innerFrom();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var noop_1 = require_noop();
    var arrRemove_1 = require_arrRemove();
    function windowToggle(openings, closingSelector) {
      return lift_1.operate(function(source, subscriber) {
        var windows = [];
        var handleError = function(err) {
          while (0 < windows.length) {
            windows.shift().error(err);
          }
          subscriber.error(err);
        };
        innerFrom_1.innerFrom(openings).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(openValue) {
          var window = new Subject_1.Subject();
          windows.push(window);
          var closingSubscription = new Subscription_1.Subscription();
          var closeWindow = function() {
            arrRemove_1.arrRemove(windows, window);
            window.complete();
            closingSubscription.unsubscribe();
          };
          var closingNotifier;
          try {
            closingNotifier = innerFrom_1.innerFrom(closingSelector(openValue));
          } catch (err) {
            handleError(err);
            return;
          }
          subscriber.next(window.asObservable());
          closingSubscription.add(closingNotifier.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, closeWindow, noop_1.noop, handleError)));
        }, noop_1.noop));
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          var e_1, _a;
          var windowsCopy = windows.slice();
          try {
            for (var windowsCopy_1 = __values(windowsCopy), windowsCopy_1_1 = windowsCopy_1.next(); !windowsCopy_1_1.done; windowsCopy_1_1 = windowsCopy_1.next()) {
              var window_1 = windowsCopy_1_1.value;
              window_1.next(value);
            }
          } catch (e_1_1) {
            e_1 = { error: e_1_1 };
          } finally {
            try {
              if (windowsCopy_1_1 && !windowsCopy_1_1.done && (_a = windowsCopy_1.return)) _a.call(windowsCopy_1);
            } finally {
              if (e_1) throw e_1.error;
            }
          }
        }, function() {
          while (0 < windows.length) {
            windows.shift().complete();
          }
          subscriber.complete();
        }, handleError, function() {
          while (0 < windows.length) {
            windows.shift().unsubscribe();
          }
        }));
      });
    }
    exports.windowToggle = windowToggle;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/windowWhen.js
var require_windowWhen = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/windowWhen.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.windowWhen = void 0;
    var Subject_1 = require_Subject();
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    function windowWhen(closingSelector) {
      return lift_1.operate(function(source, subscriber) {
        var window;
        var closingSubscriber;
        var handleError = function(err) {
          window.error(err);
          subscriber.error(err);
        };
        var openWindow = function() {
          closingSubscriber === null || closingSubscriber === void 0 ? void 0 : closingSubscriber.unsubscribe();
          window === null || window === void 0 ? void 0 : window.complete();
          window = new Subject_1.Subject();
          subscriber.next(window.asObservable());
          var closingNotifier;
          try {
            closingNotifier = innerFrom_1.innerFrom(closingSelector());
          } catch (err) {
            handleError(err);
            return;
          }
          closingNotifier.subscribe(closingSubscriber = OperatorSubscriber_1.createOperatorSubscriber(subscriber, openWindow, openWindow, handleError));
        };
        openWindow();
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          return window.next(value);
        }, function() {
          window.complete();
          subscriber.complete();
        }, handleError, function() {
          closingSubscriber === null || closingSubscriber === void 0 ? void 0 : closingSubscriber.unsubscribe();
          window = null;
        }));
      });
    }
    exports.windowWhen = windowWhen;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/withLatestFrom.js
var require_withLatestFrom = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/withLatestFrom.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.withLatestFrom = void 0;
    var lift_1 = require_lift();
    var OperatorSubscriber_1 = require_OperatorSubscriber();
    var innerFrom_1 = require_innerFrom();
    var identity_1 = require_identity();
    var noop_1 = require_noop();
    var args_1 = require_args();
    function withLatestFrom() {
      var inputs = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        inputs[_i] = arguments[_i];
      }
      var project = args_1.popResultSelector(inputs);
      return lift_1.operate(function(source, subscriber) {
        var len = inputs.length;
        var otherValues = new Array(len);
        var hasValue = inputs.map(function() {
          return false;
        });
        var ready = false;
        var _loop_1 = function(i2) {
          innerFrom_1.innerFrom(inputs[i2]).subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
            otherValues[i2] = value;
            if (!ready && !hasValue[i2]) {
              hasValue[i2] = true;
              (ready = hasValue.every(identity_1.identity)) && (hasValue = null);
            }
          }, noop_1.noop));
        };
        for (var i = 0; i < len; i++) {
          _loop_1(i);
        }
        source.subscribe(OperatorSubscriber_1.createOperatorSubscriber(subscriber, function(value) {
          if (ready) {
            var values = __spreadArray([value], __read(otherValues));
            subscriber.next(project ? project.apply(void 0, __spreadArray([], __read(values))) : values);
          }
        }));
      });
    }
    exports.withLatestFrom = withLatestFrom;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/zipAll.js
var require_zipAll = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/zipAll.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.zipAll = void 0;
    var zip_1 = require_zip();
    var joinAllInternals_1 = require_joinAllInternals();
    function zipAll(project) {
      return joinAllInternals_1.joinAllInternals(zip_1.zip, project);
    }
    exports.zipAll = zipAll;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/zip.js
var require_zip2 = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/zip.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.zip = void 0;
    var zip_1 = require_zip();
    var lift_1 = require_lift();
    function zip() {
      var sources = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        sources[_i] = arguments[_i];
      }
      return lift_1.operate(function(source, subscriber) {
        zip_1.zip.apply(void 0, __spreadArray([source], __read(sources))).subscribe(subscriber);
      });
    }
    exports.zip = zip;
  }
});

// node_modules/rxjs/dist/cjs/internal/operators/zipWith.js
var require_zipWith = __commonJS({
  "node_modules/rxjs/dist/cjs/internal/operators/zipWith.js"(exports) {
    "use strict";
    var __read = exports && exports.__read || function(o, n3) {
      var m = typeof Symbol === "function" && o[Symbol.iterator];
      if (!m) return o;
      var i = m.call(o), r, ar = [], e;
      try {
        while ((n3 === void 0 || n3-- > 0) && !(r = i.next()).done) ar.push(r.value);
      } catch (error) {
        e = { error };
      } finally {
        try {
          if (r && !r.done && (m = i["return"])) m.call(i);
        } finally {
          if (e) throw e.error;
        }
      }
      return ar;
    };
    var __spreadArray = exports && exports.__spreadArray || function(to, from2) {
      for (var i = 0, il = from2.length, j = to.length; i < il; i++, j++)
        to[j] = from2[i];
      return to;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.zipWith = void 0;
    var zip_1 = require_zip2();
    function zipWith() {
      var otherInputs = [];
      for (var _i = 0; _i < arguments.length; _i++) {
        otherInputs[_i] = arguments[_i];
      }
      return zip_1.zip.apply(void 0, __spreadArray([], __read(otherInputs)));
    }
    exports.zipWith = zipWith;
  }
});

// node_modules/rxjs/dist/cjs/index.js
var require_cjs = __commonJS({
  "node_modules/rxjs/dist/cjs/index.js"(exports) {
    "use strict";
    var __createBinding = exports && exports.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      Object.defineProperty(o, k2, { enumerable: true, get: function() {
        return m[k];
      } });
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __exportStar = exports && exports.__exportStar || function(m, exports2) {
      for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports2, p)) __createBinding(exports2, m, p);
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.interval = exports.iif = exports.generate = exports.fromEventPattern = exports.fromEvent = exports.from = exports.forkJoin = exports.empty = exports.defer = exports.connectable = exports.concat = exports.combineLatest = exports.bindNodeCallback = exports.bindCallback = exports.UnsubscriptionError = exports.TimeoutError = exports.SequenceError = exports.ObjectUnsubscribedError = exports.NotFoundError = exports.EmptyError = exports.ArgumentOutOfRangeError = exports.firstValueFrom = exports.lastValueFrom = exports.isObservable = exports.identity = exports.noop = exports.pipe = exports.NotificationKind = exports.Notification = exports.Subscriber = exports.Subscription = exports.Scheduler = exports.VirtualAction = exports.VirtualTimeScheduler = exports.animationFrameScheduler = exports.animationFrame = exports.queueScheduler = exports.queue = exports.asyncScheduler = exports.async = exports.asapScheduler = exports.asap = exports.AsyncSubject = exports.ReplaySubject = exports.BehaviorSubject = exports.Subject = exports.animationFrames = exports.observable = exports.ConnectableObservable = exports.Observable = void 0;
    exports.filter = exports.expand = exports.exhaustMap = exports.exhaustAll = exports.exhaust = exports.every = exports.endWith = exports.elementAt = exports.distinctUntilKeyChanged = exports.distinctUntilChanged = exports.distinct = exports.dematerialize = exports.delayWhen = exports.delay = exports.defaultIfEmpty = exports.debounceTime = exports.debounce = exports.count = exports.connect = exports.concatWith = exports.concatMapTo = exports.concatMap = exports.concatAll = exports.combineLatestWith = exports.combineLatestAll = exports.combineAll = exports.catchError = exports.bufferWhen = exports.bufferToggle = exports.bufferTime = exports.bufferCount = exports.buffer = exports.auditTime = exports.audit = exports.config = exports.NEVER = exports.EMPTY = exports.scheduled = exports.zip = exports.using = exports.timer = exports.throwError = exports.range = exports.race = exports.partition = exports.pairs = exports.onErrorResumeNext = exports.of = exports.never = exports.merge = void 0;
    exports.switchMap = exports.switchAll = exports.subscribeOn = exports.startWith = exports.skipWhile = exports.skipUntil = exports.skipLast = exports.skip = exports.single = exports.shareReplay = exports.share = exports.sequenceEqual = exports.scan = exports.sampleTime = exports.sample = exports.refCount = exports.retryWhen = exports.retry = exports.repeatWhen = exports.repeat = exports.reduce = exports.raceWith = exports.publishReplay = exports.publishLast = exports.publishBehavior = exports.publish = exports.pluck = exports.pairwise = exports.onErrorResumeNextWith = exports.observeOn = exports.multicast = exports.min = exports.mergeWith = exports.mergeScan = exports.mergeMapTo = exports.mergeMap = exports.flatMap = exports.mergeAll = exports.max = exports.materialize = exports.mapTo = exports.map = exports.last = exports.isEmpty = exports.ignoreElements = exports.groupBy = exports.first = exports.findIndex = exports.find = exports.finalize = void 0;
    exports.zipWith = exports.zipAll = exports.withLatestFrom = exports.windowWhen = exports.windowToggle = exports.windowTime = exports.windowCount = exports.window = exports.toArray = exports.timestamp = exports.timeoutWith = exports.timeout = exports.timeInterval = exports.throwIfEmpty = exports.throttleTime = exports.throttle = exports.tap = exports.takeWhile = exports.takeUntil = exports.takeLast = exports.take = exports.switchScan = exports.switchMapTo = void 0;
    var Observable_1 = require_Observable();
    Object.defineProperty(exports, "Observable", { enumerable: true, get: function() {
      return Observable_1.Observable;
    } });
    var ConnectableObservable_1 = require_ConnectableObservable();
    Object.defineProperty(exports, "ConnectableObservable", { enumerable: true, get: function() {
      return ConnectableObservable_1.ConnectableObservable;
    } });
    var observable_1 = require_observable();
    Object.defineProperty(exports, "observable", { enumerable: true, get: function() {
      return observable_1.observable;
    } });
    var animationFrames_1 = require_animationFrames();
    Object.defineProperty(exports, "animationFrames", { enumerable: true, get: function() {
      return animationFrames_1.animationFrames;
    } });
    var Subject_1 = require_Subject();
    Object.defineProperty(exports, "Subject", { enumerable: true, get: function() {
      return Subject_1.Subject;
    } });
    var BehaviorSubject_1 = require_BehaviorSubject();
    Object.defineProperty(exports, "BehaviorSubject", { enumerable: true, get: function() {
      return BehaviorSubject_1.BehaviorSubject;
    } });
    var ReplaySubject_1 = require_ReplaySubject();
    Object.defineProperty(exports, "ReplaySubject", { enumerable: true, get: function() {
      return ReplaySubject_1.ReplaySubject;
    } });
    var AsyncSubject_1 = require_AsyncSubject();
    Object.defineProperty(exports, "AsyncSubject", { enumerable: true, get: function() {
      return AsyncSubject_1.AsyncSubject;
    } });
    var asap_1 = require_asap();
    Object.defineProperty(exports, "asap", { enumerable: true, get: function() {
      return asap_1.asap;
    } });
    Object.defineProperty(exports, "asapScheduler", { enumerable: true, get: function() {
      return asap_1.asapScheduler;
    } });
    var async_1 = require_async();
    Object.defineProperty(exports, "async", { enumerable: true, get: function() {
      return async_1.async;
    } });
    Object.defineProperty(exports, "asyncScheduler", { enumerable: true, get: function() {
      return async_1.asyncScheduler;
    } });
    var queue_1 = require_queue();
    Object.defineProperty(exports, "queue", { enumerable: true, get: function() {
      return queue_1.queue;
    } });
    Object.defineProperty(exports, "queueScheduler", { enumerable: true, get: function() {
      return queue_1.queueScheduler;
    } });
    var animationFrame_1 = require_animationFrame();
    Object.defineProperty(exports, "animationFrame", { enumerable: true, get: function() {
      return animationFrame_1.animationFrame;
    } });
    Object.defineProperty(exports, "animationFrameScheduler", { enumerable: true, get: function() {
      return animationFrame_1.animationFrameScheduler;
    } });
    var VirtualTimeScheduler_1 = require_VirtualTimeScheduler();
    Object.defineProperty(exports, "VirtualTimeScheduler", { enumerable: true, get: function() {
      return VirtualTimeScheduler_1.VirtualTimeScheduler;
    } });
    Object.defineProperty(exports, "VirtualAction", { enumerable: true, get: function() {
      return VirtualTimeScheduler_1.VirtualAction;
    } });
    var Scheduler_1 = require_Scheduler();
    Object.defineProperty(exports, "Scheduler", { enumerable: true, get: function() {
      return Scheduler_1.Scheduler;
    } });
    var Subscription_1 = require_Subscription();
    Object.defineProperty(exports, "Subscription", { enumerable: true, get: function() {
      return Subscription_1.Subscription;
    } });
    var Subscriber_1 = require_Subscriber();
    Object.defineProperty(exports, "Subscriber", { enumerable: true, get: function() {
      return Subscriber_1.Subscriber;
    } });
    var Notification_1 = require_Notification();
    Object.defineProperty(exports, "Notification", { enumerable: true, get: function() {
      return Notification_1.Notification;
    } });
    Object.defineProperty(exports, "NotificationKind", { enumerable: true, get: function() {
      return Notification_1.NotificationKind;
    } });
    var pipe_1 = require_pipe();
    Object.defineProperty(exports, "pipe", { enumerable: true, get: function() {
      return pipe_1.pipe;
    } });
    var noop_1 = require_noop();
    Object.defineProperty(exports, "noop", { enumerable: true, get: function() {
      return noop_1.noop;
    } });
    var identity_1 = require_identity();
    Object.defineProperty(exports, "identity", { enumerable: true, get: function() {
      return identity_1.identity;
    } });
    var isObservable_1 = require_isObservable();
    Object.defineProperty(exports, "isObservable", { enumerable: true, get: function() {
      return isObservable_1.isObservable;
    } });
    var lastValueFrom_1 = require_lastValueFrom();
    Object.defineProperty(exports, "lastValueFrom", { enumerable: true, get: function() {
      return lastValueFrom_1.lastValueFrom;
    } });
    var firstValueFrom_1 = require_firstValueFrom();
    Object.defineProperty(exports, "firstValueFrom", { enumerable: true, get: function() {
      return firstValueFrom_1.firstValueFrom;
    } });
    var ArgumentOutOfRangeError_1 = require_ArgumentOutOfRangeError();
    Object.defineProperty(exports, "ArgumentOutOfRangeError", { enumerable: true, get: function() {
      return ArgumentOutOfRangeError_1.ArgumentOutOfRangeError;
    } });
    var EmptyError_1 = require_EmptyError();
    Object.defineProperty(exports, "EmptyError", { enumerable: true, get: function() {
      return EmptyError_1.EmptyError;
    } });
    var NotFoundError_1 = require_NotFoundError();
    Object.defineProperty(exports, "NotFoundError", { enumerable: true, get: function() {
      return NotFoundError_1.NotFoundError;
    } });
    var ObjectUnsubscribedError_1 = require_ObjectUnsubscribedError();
    Object.defineProperty(exports, "ObjectUnsubscribedError", { enumerable: true, get: function() {
      return ObjectUnsubscribedError_1.ObjectUnsubscribedError;
    } });
    var SequenceError_1 = require_SequenceError();
    Object.defineProperty(exports, "SequenceError", { enumerable: true, get: function() {
      return SequenceError_1.SequenceError;
    } });
    var timeout_1 = require_timeout();
    Object.defineProperty(exports, "TimeoutError", { enumerable: true, get: function() {
      return timeout_1.TimeoutError;
    } });
    var UnsubscriptionError_1 = require_UnsubscriptionError();
    Object.defineProperty(exports, "UnsubscriptionError", { enumerable: true, get: function() {
      return UnsubscriptionError_1.UnsubscriptionError;
    } });
    var bindCallback_1 = require_bindCallback();
    Object.defineProperty(exports, "bindCallback", { enumerable: true, get: function() {
      return bindCallback_1.bindCallback;
    } });
    var bindNodeCallback_1 = require_bindNodeCallback();
    Object.defineProperty(exports, "bindNodeCallback", { enumerable: true, get: function() {
      return bindNodeCallback_1.bindNodeCallback;
    } });
    var combineLatest_1 = require_combineLatest();
    Object.defineProperty(exports, "combineLatest", { enumerable: true, get: function() {
      return combineLatest_1.combineLatest;
    } });
    var concat_1 = require_concat();
    Object.defineProperty(exports, "concat", { enumerable: true, get: function() {
      return concat_1.concat;
    } });
    var connectable_1 = require_connectable();
    Object.defineProperty(exports, "connectable", { enumerable: true, get: function() {
      return connectable_1.connectable;
    } });
    var defer_1 = require_defer();
    Object.defineProperty(exports, "defer", { enumerable: true, get: function() {
      return defer_1.defer;
    } });
    var empty_1 = require_empty();
    Object.defineProperty(exports, "empty", { enumerable: true, get: function() {
      return empty_1.empty;
    } });
    var forkJoin_1 = require_forkJoin();
    Object.defineProperty(exports, "forkJoin", { enumerable: true, get: function() {
      return forkJoin_1.forkJoin;
    } });
    var from_1 = require_from();
    Object.defineProperty(exports, "from", { enumerable: true, get: function() {
      return from_1.from;
    } });
    var fromEvent_1 = require_fromEvent();
    Object.defineProperty(exports, "fromEvent", { enumerable: true, get: function() {
      return fromEvent_1.fromEvent;
    } });
    var fromEventPattern_1 = require_fromEventPattern();
    Object.defineProperty(exports, "fromEventPattern", { enumerable: true, get: function() {
      return fromEventPattern_1.fromEventPattern;
    } });
    var generate_1 = require_generate();
    Object.defineProperty(exports, "generate", { enumerable: true, get: function() {
      return generate_1.generate;
    } });
    var iif_1 = require_iif();
    Object.defineProperty(exports, "iif", { enumerable: true, get: function() {
      return iif_1.iif;
    } });
    var interval_1 = require_interval();
    Object.defineProperty(exports, "interval", { enumerable: true, get: function() {
      return interval_1.interval;
    } });
    var merge_1 = require_merge();
    Object.defineProperty(exports, "merge", { enumerable: true, get: function() {
      return merge_1.merge;
    } });
    var never_1 = require_never();
    Object.defineProperty(exports, "never", { enumerable: true, get: function() {
      return never_1.never;
    } });
    var of_1 = require_of();
    Object.defineProperty(exports, "of", { enumerable: true, get: function() {
      return of_1.of;
    } });
    var onErrorResumeNext_1 = require_onErrorResumeNext();
    Object.defineProperty(exports, "onErrorResumeNext", { enumerable: true, get: function() {
      return onErrorResumeNext_1.onErrorResumeNext;
    } });
    var pairs_1 = require_pairs();
    Object.defineProperty(exports, "pairs", { enumerable: true, get: function() {
      return pairs_1.pairs;
    } });
    var partition_1 = require_partition();
    Object.defineProperty(exports, "partition", { enumerable: true, get: function() {
      return partition_1.partition;
    } });
    var race_1 = require_race();
    Object.defineProperty(exports, "race", { enumerable: true, get: function() {
      return race_1.race;
    } });
    var range_1 = require_range();
    Object.defineProperty(exports, "range", { enumerable: true, get: function() {
      return range_1.range;
    } });
    var throwError_1 = require_throwError();
    Object.defineProperty(exports, "throwError", { enumerable: true, get: function() {
      return throwError_1.throwError;
    } });
    var timer_1 = require_timer();
    Object.defineProperty(exports, "timer", { enumerable: true, get: function() {
      return timer_1.timer;
    } });
    var using_1 = require_using();
    Object.defineProperty(exports, "using", { enumerable: true, get: function() {
      return using_1.using;
    } });
    var zip_1 = require_zip();
    Object.defineProperty(exports, "zip", { enumerable: true, get: function() {
      return zip_1.zip;
    } });
    var scheduled_1 = require_scheduled();
    Object.defineProperty(exports, "scheduled", { enumerable: true, get: function() {
      return scheduled_1.scheduled;
    } });
    var empty_2 = require_empty();
    Object.defineProperty(exports, "EMPTY", { enumerable: true, get: function() {
      return empty_2.EMPTY;
    } });
    var never_2 = require_never();
    Object.defineProperty(exports, "NEVER", { enumerable: true, get: function() {
      return never_2.NEVER;
    } });
    __exportStar(require_types(), exports);
    var config_1 = require_config();
    Object.defineProperty(exports, "config", { enumerable: true, get: function() {
      return config_1.config;
    } });
    var audit_1 = require_audit();
    Object.defineProperty(exports, "audit", { enumerable: true, get: function() {
      return audit_1.audit;
    } });
    var auditTime_1 = require_auditTime();
    Object.defineProperty(exports, "auditTime", { enumerable: true, get: function() {
      return auditTime_1.auditTime;
    } });
    var buffer_1 = require_buffer();
    Object.defineProperty(exports, "buffer", { enumerable: true, get: function() {
      return buffer_1.buffer;
    } });
    var bufferCount_1 = require_bufferCount();
    Object.defineProperty(exports, "bufferCount", { enumerable: true, get: function() {
      return bufferCount_1.bufferCount;
    } });
    var bufferTime_1 = require_bufferTime();
    Object.defineProperty(exports, "bufferTime", { enumerable: true, get: function() {
      return bufferTime_1.bufferTime;
    } });
    var bufferToggle_1 = require_bufferToggle();
    Object.defineProperty(exports, "bufferToggle", { enumerable: true, get: function() {
      return bufferToggle_1.bufferToggle;
    } });
    var bufferWhen_1 = require_bufferWhen();
    Object.defineProperty(exports, "bufferWhen", { enumerable: true, get: function() {
      return bufferWhen_1.bufferWhen;
    } });
    var catchError_1 = require_catchError();
    Object.defineProperty(exports, "catchError", { enumerable: true, get: function() {
      return catchError_1.catchError;
    } });
    var combineAll_1 = require_combineAll();
    Object.defineProperty(exports, "combineAll", { enumerable: true, get: function() {
      return combineAll_1.combineAll;
    } });
    var combineLatestAll_1 = require_combineLatestAll();
    Object.defineProperty(exports, "combineLatestAll", { enumerable: true, get: function() {
      return combineLatestAll_1.combineLatestAll;
    } });
    var combineLatestWith_1 = require_combineLatestWith();
    Object.defineProperty(exports, "combineLatestWith", { enumerable: true, get: function() {
      return combineLatestWith_1.combineLatestWith;
    } });
    var concatAll_1 = require_concatAll();
    Object.defineProperty(exports, "concatAll", { enumerable: true, get: function() {
      return concatAll_1.concatAll;
    } });
    var concatMap_1 = require_concatMap();
    Object.defineProperty(exports, "concatMap", { enumerable: true, get: function() {
      return concatMap_1.concatMap;
    } });
    var concatMapTo_1 = require_concatMapTo();
    Object.defineProperty(exports, "concatMapTo", { enumerable: true, get: function() {
      return concatMapTo_1.concatMapTo;
    } });
    var concatWith_1 = require_concatWith();
    Object.defineProperty(exports, "concatWith", { enumerable: true, get: function() {
      return concatWith_1.concatWith;
    } });
    var connect_1 = require_connect();
    Object.defineProperty(exports, "connect", { enumerable: true, get: function() {
      return connect_1.connect;
    } });
    var count_1 = require_count();
    Object.defineProperty(exports, "count", { enumerable: true, get: function() {
      return count_1.count;
    } });
    var debounce_1 = require_debounce();
    Object.defineProperty(exports, "debounce", { enumerable: true, get: function() {
      return debounce_1.debounce;
    } });
    var debounceTime_1 = require_debounceTime();
    Object.defineProperty(exports, "debounceTime", { enumerable: true, get: function() {
      return debounceTime_1.debounceTime;
    } });
    var defaultIfEmpty_1 = require_defaultIfEmpty();
    Object.defineProperty(exports, "defaultIfEmpty", { enumerable: true, get: function() {
      return defaultIfEmpty_1.defaultIfEmpty;
    } });
    var delay_1 = require_delay();
    Object.defineProperty(exports, "delay", { enumerable: true, get: function() {
      return delay_1.delay;
    } });
    var delayWhen_1 = require_delayWhen();
    Object.defineProperty(exports, "delayWhen", { enumerable: true, get: function() {
      return delayWhen_1.delayWhen;
    } });
    var dematerialize_1 = require_dematerialize();
    Object.defineProperty(exports, "dematerialize", { enumerable: true, get: function() {
      return dematerialize_1.dematerialize;
    } });
    var distinct_1 = require_distinct();
    Object.defineProperty(exports, "distinct", { enumerable: true, get: function() {
      return distinct_1.distinct;
    } });
    var distinctUntilChanged_1 = require_distinctUntilChanged();
    Object.defineProperty(exports, "distinctUntilChanged", { enumerable: true, get: function() {
      return distinctUntilChanged_1.distinctUntilChanged;
    } });
    var distinctUntilKeyChanged_1 = require_distinctUntilKeyChanged();
    Object.defineProperty(exports, "distinctUntilKeyChanged", { enumerable: true, get: function() {
      return distinctUntilKeyChanged_1.distinctUntilKeyChanged;
    } });
    var elementAt_1 = require_elementAt();
    Object.defineProperty(exports, "elementAt", { enumerable: true, get: function() {
      return elementAt_1.elementAt;
    } });
    var endWith_1 = require_endWith();
    Object.defineProperty(exports, "endWith", { enumerable: true, get: function() {
      return endWith_1.endWith;
    } });
    var every_1 = require_every();
    Object.defineProperty(exports, "every", { enumerable: true, get: function() {
      return every_1.every;
    } });
    var exhaust_1 = require_exhaust();
    Object.defineProperty(exports, "exhaust", { enumerable: true, get: function() {
      return exhaust_1.exhaust;
    } });
    var exhaustAll_1 = require_exhaustAll();
    Object.defineProperty(exports, "exhaustAll", { enumerable: true, get: function() {
      return exhaustAll_1.exhaustAll;
    } });
    var exhaustMap_1 = require_exhaustMap();
    Object.defineProperty(exports, "exhaustMap", { enumerable: true, get: function() {
      return exhaustMap_1.exhaustMap;
    } });
    var expand_1 = require_expand();
    Object.defineProperty(exports, "expand", { enumerable: true, get: function() {
      return expand_1.expand;
    } });
    var filter_1 = require_filter();
    Object.defineProperty(exports, "filter", { enumerable: true, get: function() {
      return filter_1.filter;
    } });
    var finalize_1 = require_finalize();
    Object.defineProperty(exports, "finalize", { enumerable: true, get: function() {
      return finalize_1.finalize;
    } });
    var find_1 = require_find();
    Object.defineProperty(exports, "find", { enumerable: true, get: function() {
      return find_1.find;
    } });
    var findIndex_1 = require_findIndex();
    Object.defineProperty(exports, "findIndex", { enumerable: true, get: function() {
      return findIndex_1.findIndex;
    } });
    var first_1 = require_first();
    Object.defineProperty(exports, "first", { enumerable: true, get: function() {
      return first_1.first;
    } });
    var groupBy_1 = require_groupBy();
    Object.defineProperty(exports, "groupBy", { enumerable: true, get: function() {
      return groupBy_1.groupBy;
    } });
    var ignoreElements_1 = require_ignoreElements();
    Object.defineProperty(exports, "ignoreElements", { enumerable: true, get: function() {
      return ignoreElements_1.ignoreElements;
    } });
    var isEmpty_1 = require_isEmpty();
    Object.defineProperty(exports, "isEmpty", { enumerable: true, get: function() {
      return isEmpty_1.isEmpty;
    } });
    var last_1 = require_last();
    Object.defineProperty(exports, "last", { enumerable: true, get: function() {
      return last_1.last;
    } });
    var map_1 = require_map();
    Object.defineProperty(exports, "map", { enumerable: true, get: function() {
      return map_1.map;
    } });
    var mapTo_1 = require_mapTo();
    Object.defineProperty(exports, "mapTo", { enumerable: true, get: function() {
      return mapTo_1.mapTo;
    } });
    var materialize_1 = require_materialize();
    Object.defineProperty(exports, "materialize", { enumerable: true, get: function() {
      return materialize_1.materialize;
    } });
    var max_1 = require_max();
    Object.defineProperty(exports, "max", { enumerable: true, get: function() {
      return max_1.max;
    } });
    var mergeAll_1 = require_mergeAll();
    Object.defineProperty(exports, "mergeAll", { enumerable: true, get: function() {
      return mergeAll_1.mergeAll;
    } });
    var flatMap_1 = require_flatMap();
    Object.defineProperty(exports, "flatMap", { enumerable: true, get: function() {
      return flatMap_1.flatMap;
    } });
    var mergeMap_1 = require_mergeMap();
    Object.defineProperty(exports, "mergeMap", { enumerable: true, get: function() {
      return mergeMap_1.mergeMap;
    } });
    var mergeMapTo_1 = require_mergeMapTo();
    Object.defineProperty(exports, "mergeMapTo", { enumerable: true, get: function() {
      return mergeMapTo_1.mergeMapTo;
    } });
    var mergeScan_1 = require_mergeScan();
    Object.defineProperty(exports, "mergeScan", { enumerable: true, get: function() {
      return mergeScan_1.mergeScan;
    } });
    var mergeWith_1 = require_mergeWith();
    Object.defineProperty(exports, "mergeWith", { enumerable: true, get: function() {
      return mergeWith_1.mergeWith;
    } });
    var min_1 = require_min();
    Object.defineProperty(exports, "min", { enumerable: true, get: function() {
      return min_1.min;
    } });
    var multicast_1 = require_multicast();
    Object.defineProperty(exports, "multicast", { enumerable: true, get: function() {
      return multicast_1.multicast;
    } });
    var observeOn_1 = require_observeOn();
    Object.defineProperty(exports, "observeOn", { enumerable: true, get: function() {
      return observeOn_1.observeOn;
    } });
    var onErrorResumeNextWith_1 = require_onErrorResumeNextWith();
    Object.defineProperty(exports, "onErrorResumeNextWith", { enumerable: true, get: function() {
      return onErrorResumeNextWith_1.onErrorResumeNextWith;
    } });
    var pairwise_1 = require_pairwise();
    Object.defineProperty(exports, "pairwise", { enumerable: true, get: function() {
      return pairwise_1.pairwise;
    } });
    var pluck_1 = require_pluck();
    Object.defineProperty(exports, "pluck", { enumerable: true, get: function() {
      return pluck_1.pluck;
    } });
    var publish_1 = require_publish();
    Object.defineProperty(exports, "publish", { enumerable: true, get: function() {
      return publish_1.publish;
    } });
    var publishBehavior_1 = require_publishBehavior();
    Object.defineProperty(exports, "publishBehavior", { enumerable: true, get: function() {
      return publishBehavior_1.publishBehavior;
    } });
    var publishLast_1 = require_publishLast();
    Object.defineProperty(exports, "publishLast", { enumerable: true, get: function() {
      return publishLast_1.publishLast;
    } });
    var publishReplay_1 = require_publishReplay();
    Object.defineProperty(exports, "publishReplay", { enumerable: true, get: function() {
      return publishReplay_1.publishReplay;
    } });
    var raceWith_1 = require_raceWith();
    Object.defineProperty(exports, "raceWith", { enumerable: true, get: function() {
      return raceWith_1.raceWith;
    } });
    var reduce_1 = require_reduce();
    Object.defineProperty(exports, "reduce", { enumerable: true, get: function() {
      return reduce_1.reduce;
    } });
    var repeat_1 = require_repeat();
    Object.defineProperty(exports, "repeat", { enumerable: true, get: function() {
      return repeat_1.repeat;
    } });
    var repeatWhen_1 = require_repeatWhen();
    Object.defineProperty(exports, "repeatWhen", { enumerable: true, get: function() {
      return repeatWhen_1.repeatWhen;
    } });
    var retry_1 = require_retry();
    Object.defineProperty(exports, "retry", { enumerable: true, get: function() {
      return retry_1.retry;
    } });
    var retryWhen_1 = require_retryWhen();
    Object.defineProperty(exports, "retryWhen", { enumerable: true, get: function() {
      return retryWhen_1.retryWhen;
    } });
    var refCount_1 = require_refCount();
    Object.defineProperty(exports, "refCount", { enumerable: true, get: function() {
      return refCount_1.refCount;
    } });
    var sample_1 = require_sample();
    Object.defineProperty(exports, "sample", { enumerable: true, get: function() {
      return sample_1.sample;
    } });
    var sampleTime_1 = require_sampleTime();
    Object.defineProperty(exports, "sampleTime", { enumerable: true, get: function() {
      return sampleTime_1.sampleTime;
    } });
    var scan_1 = require_scan();
    Object.defineProperty(exports, "scan", { enumerable: true, get: function() {
      return scan_1.scan;
    } });
    var sequenceEqual_1 = require_sequenceEqual();
    Object.defineProperty(exports, "sequenceEqual", { enumerable: true, get: function() {
      return sequenceEqual_1.sequenceEqual;
    } });
    var share_1 = require_share();
    Object.defineProperty(exports, "share", { enumerable: true, get: function() {
      return share_1.share;
    } });
    var shareReplay_1 = require_shareReplay();
    Object.defineProperty(exports, "shareReplay", { enumerable: true, get: function() {
      return shareReplay_1.shareReplay;
    } });
    var single_1 = require_single();
    Object.defineProperty(exports, "single", { enumerable: true, get: function() {
      return single_1.single;
    } });
    var skip_1 = require_skip();
    Object.defineProperty(exports, "skip", { enumerable: true, get: function() {
      return skip_1.skip;
    } });
    var skipLast_1 = require_skipLast();
    Object.defineProperty(exports, "skipLast", { enumerable: true, get: function() {
      return skipLast_1.skipLast;
    } });
    var skipUntil_1 = require_skipUntil();
    Object.defineProperty(exports, "skipUntil", { enumerable: true, get: function() {
      return skipUntil_1.skipUntil;
    } });
    var skipWhile_1 = require_skipWhile();
    Object.defineProperty(exports, "skipWhile", { enumerable: true, get: function() {
      return skipWhile_1.skipWhile;
    } });
    var startWith_1 = require_startWith();
    Object.defineProperty(exports, "startWith", { enumerable: true, get: function() {
      return startWith_1.startWith;
    } });
    var subscribeOn_1 = require_subscribeOn();
    Object.defineProperty(exports, "subscribeOn", { enumerable: true, get: function() {
      return subscribeOn_1.subscribeOn;
    } });
    var switchAll_1 = require_switchAll();
    Object.defineProperty(exports, "switchAll", { enumerable: true, get: function() {
      return switchAll_1.switchAll;
    } });
    var switchMap_1 = require_switchMap();
    Object.defineProperty(exports, "switchMap", { enumerable: true, get: function() {
      return switchMap_1.switchMap;
    } });
    var switchMapTo_1 = require_switchMapTo();
    Object.defineProperty(exports, "switchMapTo", { enumerable: true, get: function() {
      return switchMapTo_1.switchMapTo;
    } });
    var switchScan_1 = require_switchScan();
    Object.defineProperty(exports, "switchScan", { enumerable: true, get: function() {
      return switchScan_1.switchScan;
    } });
    var take_1 = require_take();
    Object.defineProperty(exports, "take", { enumerable: true, get: function() {
      return take_1.take;
    } });
    var takeLast_1 = require_takeLast();
    Object.defineProperty(exports, "takeLast", { enumerable: true, get: function() {
      return takeLast_1.takeLast;
    } });
    var takeUntil_1 = require_takeUntil();
    Object.defineProperty(exports, "takeUntil", { enumerable: true, get: function() {
      return takeUntil_1.takeUntil;
    } });
    var takeWhile_1 = require_takeWhile();
    Object.defineProperty(exports, "takeWhile", { enumerable: true, get: function() {
      return takeWhile_1.takeWhile;
    } });
    var tap_1 = require_tap();
    Object.defineProperty(exports, "tap", { enumerable: true, get: function() {
      return tap_1.tap;
    } });
    var throttle_1 = require_throttle();
    Object.defineProperty(exports, "throttle", { enumerable: true, get: function() {
      return throttle_1.throttle;
    } });
    var throttleTime_1 = require_throttleTime();
    Object.defineProperty(exports, "throttleTime", { enumerable: true, get: function() {
      return throttleTime_1.throttleTime;
    } });
    var throwIfEmpty_1 = require_throwIfEmpty();
    Object.defineProperty(exports, "throwIfEmpty", { enumerable: true, get: function() {
      return throwIfEmpty_1.throwIfEmpty;
    } });
    var timeInterval_1 = require_timeInterval();
    Object.defineProperty(exports, "timeInterval", { enumerable: true, get: function() {
      return timeInterval_1.timeInterval;
    } });
    var timeout_2 = require_timeout();
    Object.defineProperty(exports, "timeout", { enumerable: true, get: function() {
      return timeout_2.timeout;
    } });
    var timeoutWith_1 = require_timeoutWith();
    Object.defineProperty(exports, "timeoutWith", { enumerable: true, get: function() {
      return timeoutWith_1.timeoutWith;
    } });
    var timestamp_1 = require_timestamp();
    Object.defineProperty(exports, "timestamp", { enumerable: true, get: function() {
      return timestamp_1.timestamp;
    } });
    var toArray_1 = require_toArray();
    Object.defineProperty(exports, "toArray", { enumerable: true, get: function() {
      return toArray_1.toArray;
    } });
    var window_1 = require_window();
    Object.defineProperty(exports, "window", { enumerable: true, get: function() {
      return window_1.window;
    } });
    var windowCount_1 = require_windowCount();
    Object.defineProperty(exports, "windowCount", { enumerable: true, get: function() {
      return windowCount_1.windowCount;
    } });
    var windowTime_1 = require_windowTime();
    Object.defineProperty(exports, "windowTime", { enumerable: true, get: function() {
      return windowTime_1.windowTime;
    } });
    var windowToggle_1 = require_windowToggle();
    Object.defineProperty(exports, "windowToggle", { enumerable: true, get: function() {
      return windowToggle_1.windowToggle;
    } });
    var windowWhen_1 = require_windowWhen();
    Object.defineProperty(exports, "windowWhen", { enumerable: true, get: function() {
      return windowWhen_1.windowWhen;
    } });
    var withLatestFrom_1 = require_withLatestFrom();
    Object.defineProperty(exports, "withLatestFrom", { enumerable: true, get: function() {
      return withLatestFrom_1.withLatestFrom;
    } });
    var zipAll_1 = require_zipAll();
    Object.defineProperty(exports, "zipAll", { enumerable: true, get: function() {
      return zipAll_1.zipAll;
    } });
    var zipWith_1 = require_zipWith();
    Object.defineProperty(exports, "zipWith", { enumerable: true, get: function() {
      return zipWith_1.zipWith;
    } });
  }
});

// dist/src/commands.js
import { readFileSync as readFileSync2 } from "node:fs";

// dist/src/admin/admin-commands.js
import { resolve } from "node:path";

// dist/src/admin/admin-client.js
import { connect } from "node:net";

// dist/src/admin/admin-protocol.js
import { isAbsolute } from "node:path";
var ADMIN_PROTOCOL_VERSION = 1;
var MAX_MESSAGE_BYTES = 64 * 1024;
var dir = external_exports.string().min(1).max(4096).refine(isAbsolute, { message: "an absolute path" });
var requestSchema = external_exports.discriminatedUnion("command", [
  external_exports.object({ v: external_exports.literal(ADMIN_PROTOCOL_VERSION), command: external_exports.literal("ping") }).strict(),
  external_exports.object({ v: external_exports.literal(ADMIN_PROTOCOL_VERSION), command: external_exports.literal("savepoint"), dir: dir.optional() }).strict(),
  external_exports.object({ v: external_exports.literal(ADMIN_PROTOCOL_VERSION), command: external_exports.literal("stop"), savepoint: external_exports.boolean(), dir: dir.optional() }).strict()
]);
var responseSchema = external_exports.union([
  external_exports.object({ ok: external_exports.literal(true), pid: external_exports.number().int().optional(), savepoint: external_exports.string().optional(), stopped: external_exports.boolean().optional() }),
  external_exports.object({ ok: external_exports.literal(false), code: external_exports.string(), message: external_exports.string() })
]);
function encodeMessage(message) {
  return `${JSON.stringify(message)}
`;
}
function parseRequest(line) {
  if (Buffer.byteLength(line) > MAX_MESSAGE_BYTES)
    throw new SluiceError(ErrorCode.USAGE, `admin request over ${MAX_MESSAGE_BYTES} bytes`);
  let raw;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new SluiceError(ErrorCode.USAGE, "admin request is not valid JSON");
  }
  if (raw !== null && typeof raw === "object" && raw.v !== ADMIN_PROTOCOL_VERSION) {
    throw new SluiceError(ErrorCode.USAGE, `admin protocol version ${JSON.stringify(raw.v)} is not spoken here (this daemon speaks ${ADMIN_PROTOCOL_VERSION}); use the sluice of the running daemon`);
  }
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SluiceError(ErrorCode.USAGE, `admin request refused: ${issue ? `${issue.path.join(".") || "request"}: ${issue.message}` : "malformed"} (commands: ping, savepoint, stop)`);
  }
  return parsed.data;
}
function parseResponse(line) {
  let raw;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, "the daemon answered something that is not JSON");
  }
  const parsed = responseSchema.safeParse(raw);
  if (!parsed.success)
    throw new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, "the daemon answered something that is not an admin response");
  return parsed.data;
}
function errorResponse(err) {
  const code = err instanceof SluiceError ? err.code : ErrorCode.INTERNAL;
  return { ok: false, code, message: err instanceof Error ? err.message : String(err) };
}

// dist/src/admin/admin-client.js
function adminRequest(path, request) {
  return new Promise((resolve2, reject) => {
    const socket = connect(path);
    let buffered = "";
    let settled = false;
    const settle = (fn) => {
      if (settled)
        return;
      settled = true;
      socket.destroy();
      fn();
    };
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(encodeMessage(request)));
    socket.on("data", (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        settle(() => {
          try {
            resolve2(parseResponse(line));
          } catch (err) {
            reject(err);
          }
        });
      } else if (buffered.length > MAX_MESSAGE_BYTES) {
        settle(() => reject(new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, `the daemon's answer on ${path} is over ${MAX_MESSAGE_BYTES} bytes`)));
      }
    });
    socket.on("error", (err) => {
      settle(() => {
        if (err.code === "ENOENT" || err.code === "ECONNREFUSED") {
          reject(new SluiceError(ErrorCode.DAEMON_NOT_RUNNING, `no sluice daemon is running with admin socket ${path} (check SLUICE_STATE_DIR or SLUICE_ADMIN_SOCKET)`, {
            details: { path }
          }));
        } else {
          reject(new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, `cannot reach the daemon on ${path}: ${err.message}`, {
            cause: err,
            details: { path }
          }));
        }
      });
    });
    socket.on("close", () => settle(() => reject(new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, `the daemon on ${path} hung up without answering (did it stop? see its log)`, {
      details: { path }
    }))));
  });
}

// dist/src/admin/admin-commands.js
var stdio = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
function savepointCommand(args, env = process.env, io = stdio) {
  const parsed = parseOptions("savepoint", args, ["--dir"], io);
  if (!parsed)
    return Promise.resolve(2);
  const dir2 = parsed.values.get("--dir");
  return send({ v: 1, command: "savepoint", ...dir2 ? { dir: resolve(dir2) } : {} }, env, io);
}
function stopCommand(args, env = process.env, io = stdio) {
  const parsed = parseOptions("stop", args, ["--dir", "--savepoint"], io);
  if (!parsed)
    return Promise.resolve(2);
  const dir2 = parsed.values.get("--dir");
  const savepoint = parsed.flags.has("--savepoint");
  if (dir2 && !savepoint) {
    io.err("sluice stop: --dir goes with --savepoint\n");
    return Promise.resolve(2);
  }
  return send({ v: 1, command: "stop", savepoint, ...dir2 ? { dir: resolve(dir2) } : {} }, env, io);
}
async function send(request, env, io) {
  let socket;
  try {
    socket = adminSocketPath(loadConfig(env));
  } catch (err) {
    io.err(`sluice ${request.command}: ${err.message}
`);
    return 2;
  }
  try {
    const response = await adminRequest(socket, request);
    if (!response.ok) {
      io.err(`sluice ${request.command}: ${response.code}: ${response.message}
`);
      return 1;
    }
    if (response.savepoint)
      io.out(`${response.savepoint}
`);
    if (response.stopped)
      io.err("sluice stopped\n");
    return 0;
  } catch (err) {
    const code = err instanceof SluiceError ? err.code : ErrorCode.INTERNAL;
    io.err(`sluice ${request.command}: ${code}: ${err.message}
`);
    return 1;
  }
}
function parseOptions(command, args, allowed, io) {
  const values = /* @__PURE__ */ new Map();
  const flags = /* @__PURE__ */ new Set();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!allowed.includes(arg)) {
      io.err(`sluice ${command}: unknown option "${arg}" (allowed: ${allowed.join(", ")})
`);
      return void 0;
    }
    if (arg === "--savepoint") {
      flags.add(arg);
      continue;
    }
    const value = args[++i];
    if (value === void 0 || value === "") {
      io.err(`sluice ${command}: ${arg} needs a value
`);
      return void 0;
    }
    values.set(arg, value);
  }
  return { values, flags };
}

// dist/src/admin/admin-server.js
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { connect as connect2, createServer } from "node:net";
import { dirname, join } from "node:path";
var MAX_SOCKET_PATH_BYTES = 103;
function failed(message, path, cause) {
  return new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, message, { details: { path }, ...cause === void 0 ? {} : { cause } });
}
async function startAdminServer(path, handler, logger) {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw failed(`admin socket path ${path} is longer than a Unix socket allows (${MAX_SOCKET_PATH_BYTES} bytes); set SLUICE_ADMIN_SOCKET to a shorter path`, path);
  }
  mkdirSync(dirname(path), { recursive: true });
  await removeStaleSocket(path);
  const inFlight = /* @__PURE__ */ new Set();
  const sockets = /* @__PURE__ */ new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffered = "";
    let handled = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      if (handled)
        return;
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0 && Buffer.byteLength(buffered) <= MAX_MESSAGE_BYTES)
        return;
      handled = true;
      const line = newline < 0 ? buffered : buffered.slice(0, newline);
      const work = answer(line, handler, logger).then((response) => {
        if (!socket.destroyed)
          socket.end(encodeMessage(response));
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    });
  });
  const ours = await listenPrivately(server, path);
  server.unref();
  let closing;
  return {
    path,
    close: (graceMs = 5e3) => closing ??= (async () => {
      const closed = new Promise((resolve2) => server.close(() => resolve2()));
      let timer;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve2) => timer = setTimeout(resolve2, graceMs))]);
      clearTimeout(timer);
      for (const socket of sockets)
        socket.destroy();
      await closed;
      if (sameFile(statOrUndefined(path), ours))
        rmSync(path, { force: true });
    })()
  };
}
async function answer(line, handler, logger) {
  try {
    const request = parseRequest(line);
    logger.debug({ command: request.command }, "admin request");
    return await handler(request);
  } catch (err) {
    logger.warn({ err }, "admin request failed");
    return errorResponse(err);
  }
}
function statOrUndefined(path) {
  try {
    return lstatSync(path);
  } catch {
    return void 0;
  }
}
function sameFile(a, b) {
  return a !== void 0 && a.isSocket() && a.dev === b.dev && a.ino === b.ino;
}
function describeFile(st) {
  if (st.isFile())
    return "a regular file";
  if (st.isDirectory())
    return "a directory";
  if (st.isSymbolicLink())
    return "a symbolic link";
  if (st.isFIFO())
    return "a FIFO";
  return "a device or other special file";
}
async function removeStaleSocket(path) {
  const st = statOrUndefined(path);
  if (st === void 0)
    return;
  if (!st.isSocket()) {
    throw failed(`admin socket path ${path} is ${describeFile(st)}, not a socket: refusing to replace it; remove it if it is not needed, or set SLUICE_ADMIN_SOCKET to another path`, path);
  }
  const state = await probe(path);
  if (state === "live")
    throw failed(`another sluice daemon answers on ${path}; give each daemon its own SLUICE_STATE_DIR or SLUICE_ADMIN_SOCKET`, path);
  if (state !== "stale")
    throw failed(`cannot tell whether a daemon answers on admin socket ${path} (${state}): refusing to replace it`, path);
  rmSync(path, { force: true });
}
function listen(server, path) {
  return new Promise((resolve2, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve2();
    });
  });
}
async function listenPrivately(server, path) {
  const privateDir = mkdtempSync(join(dirname(path), ".admin-"));
  const bound = join(privateDir, "s");
  try {
    if (Buffer.byteLength(bound) > MAX_SOCKET_PATH_BYTES) {
      throw failed(`admin socket path ${path} is too long to be set up safely (${bound} is over ${MAX_SOCKET_PATH_BYTES} bytes); set SLUICE_ADMIN_SOCKET to a shorter path`, path);
    }
    try {
      await listen(server, bound);
    } catch (err) {
      throw failed(`cannot listen on admin socket ${path}: ${err.message}`, path, err);
    }
    try {
      chmodSync(bound, 384);
      putInPlace(bound, path);
      return lstatSync(path);
    } catch (err) {
      server.close();
      throw err instanceof SluiceError ? err : failed(`cannot set up admin socket ${path}: ${err.message}`, path, err);
    }
  } finally {
    rmSync(privateDir, { recursive: true, force: true });
  }
}
function putInPlace(bound, path) {
  try {
    linkSync(bound, path);
    return;
  } catch (err) {
    const code = err.code;
    if (code === "EEXIST")
      throw failed(`something appeared at ${path} while the admin socket was being set up: refusing to replace it`, path, err);
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS" && code !== "EXDEV")
      throw err;
  }
  if (statOrUndefined(path) !== void 0)
    throw failed(`something appeared at ${path} while the admin socket was being set up: refusing to replace it`, path);
  renameSync(bound, path);
}
function probe(path) {
  return new Promise((resolve2) => {
    const socket = connect2(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve2("live");
    });
    socket.once("error", (err) => resolve2(err.code === "ECONNREFUSED" || err.code === "ENOENT" ? "stale" : err.code ?? err.message));
  });
}

// dist/src/actors/worker-stage.js
var import_rxjs = __toESM(require_cjs(), 1);

// dist/src/supervision/thread-supervisor.js
import { Worker } from "node:worker_threads";
var THREAD_EXIT_BOUND_MS = 5e3;
var live = /* @__PURE__ */ new Set();
var stuckThreads = 0;
var stuckHandler;
function whenThreadStuck(handler) {
  stuckHandler = handler;
}
var ThreadSupervisor = class {
  logger;
  onFailure;
  children = /* @__PURE__ */ new Map();
  adopted = 0;
  constructor(logger, onFailure) {
    this.logger = logger;
    this.onFailure = onFailure;
  }
  /** Threads started by cli.ts ahead of time and adopted here (thread-prestart.ts). */
  get adoptedThreads() {
    return this.adopted;
  }
  start(spec) {
    const exitFlag = newExitFlag();
    const envelope = { data: spec.workerData, exitFlag: exitFlag.buffer };
    const adopted = adoptPrestarted(spec.file, spec.resourceLimits);
    if (adopted) {
      adopted.postMessage({ type: ENVELOPE_MESSAGE, envelope });
      this.adopted++;
    }
    const worker = adopted ?? new Worker(spec.file, { workerData: envelope, ...spec.resourceLimits ? { resourceLimits: spec.resourceLimits } : {} });
    const exited = new Promise((resolve2) => worker.once("exit", () => resolve2()));
    const child = { worker, exitFlag, stopping: false, exited };
    this.children.set(spec.id, child);
    live.add(this);
    let reported = false;
    const report = (reason, cause) => {
      if (reported || child.stopping)
        return;
      reported = true;
      const err = new SluiceError(ErrorCode.WORKER_FAILED, `worker ${spec.id} ${reason}`, {
        retriable: true,
        cause,
        details: { worker: spec.id }
      });
      this.logger.error({ err, worker: spec.id }, "worker thread failed");
      this.onFailure(err);
    };
    worker.on("error", (err) => {
      const reason = err.code === "ERR_WORKER_OUT_OF_MEMORY" ? `exceeded its resource limits (${err.message})` : `threw: ${err.message}`;
      report(reason, err);
    });
    worker.on("messageerror", (err) => report(`sent a message that could not be read: ${err.message}`, err));
    worker.on("exit", (code) => {
      this.children.delete(spec.id);
      if (this.children.size === 0)
        live.delete(this);
      report(`exited unexpectedly with code ${code}`);
    });
    return worker;
  }
  /** Mark a child as stopping on purpose, so its exit is not a failure. */
  expectExit(id) {
    const child = this.children.get(id);
    if (child)
      child.stopping = true;
  }
  /**
   * End every child still running (after the graceful path had its chance): each exits at its next
   * message; one that has not within `boundMs` is terminated. Resolves false when a thread is still
   * there after that (terminated inside a transaction: see thread-exit.ts).
   */
  async exitAll(boundMs = THREAD_EXIT_BOUND_MS) {
    const running = [...this.children.entries()];
    for (const [id, child] of running) {
      this.expectExit(id);
      requestExit(child.exitFlag);
      child.worker.postMessage(EXIT_WAKE_UP);
    }
    const exited = await Promise.all(running.map(([, child]) => withinBound(child.exited, boundMs)));
    const stuck = running.filter((_, i) => !exited[i]);
    let gone = true;
    if (stuck.length > 0) {
      this.logger.warn({ workers: stuck.map(([id]) => id), boundMs }, "worker threads did not exit at their next message: terminating them");
      const terminated = await Promise.all(stuck.map(([, child]) => withinBound(child.worker.terminate().then(() => void 0), boundMs)));
      gone = terminated.every(Boolean);
      if (!gone) {
        const ids = stuck.filter((_, i) => !terminated[i]).map(([id]) => id);
        stuckThreads += ids.length;
        this.logger.error({ workers: ids }, "worker threads could not be ended");
        stuckHandler?.(ids);
      }
    }
    this.children.clear();
    live.delete(this);
    return gone;
  }
};
async function exitAllThreads(boundMs = THREAD_EXIT_BOUND_MS) {
  const results = await Promise.all([...live].map((s) => s.exitAll(boundMs)));
  return results.every(Boolean) && stuckThreads === 0;
}
function withinBound(done, boundMs) {
  return new Promise((resolve2) => {
    const timer = setTimeout(() => resolve2(false), boundMs);
    void done.then(() => {
      clearTimeout(timer);
      resolve2(true);
    });
  });
}

// dist/src/actors/worker-stage.js
var POST_AT_EVENTS = 1e3;
var WorkerKeyedStage = class {
  options;
  table;
  supervisor;
  handles = [];
  seq = 0;
  /** A post of the workers' outboxes is due at the end of this turn of the event loop. */
  outboxScheduled = false;
  failure;
  cancelMetrics;
  failureWaiters = /* @__PURE__ */ new Set();
  importedEntries = 0;
  /** Set by stop(): live queries are refused from then on. */
  stopping = false;
  /** What the job's aggregate reads of an event: all a step message carries of it. */
  input;
  ownerOf = (key) => this.table[keyGroupOf(key)];
  onResults;
  clock;
  scheduler;
  onLate;
  restore;
  constructor(options) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.onResults = options.onResults ?? (async () => {
      throw new SluiceError(ErrorCode.INTERNAL, "window results before bindResults()");
    });
    this.onLate = options.onLate;
    this.restore = {
      ...options.restoreTo === void 0 ? {} : { restoreTo: options.restoreTo },
      ...options.importSavepoint ? { importSavepoint: options.importSavepoint } : {}
    };
    this.table = assignmentTable(options.workers);
    this.supervisor = new ThreadSupervisor(options.logger, (err) => this.fail(err));
  }
  /**
   * Start the worker threads now, before the restore is decided: their start-up (modules, LMDB)
   * overlaps the main thread's. `start()` later tells them what to restore. Idempotent.
   */
  spawn() {
    if (this.handles.length > 0)
      return;
    const { workers } = this.options;
    for (let index = 0; index < workers; index++) {
      const init = {
        workerIndex: index,
        workers,
        keyGroups: keyGroupsOfWorker(index, workers),
        job: this.options.job,
        ...this.options.jobSource ? { jobSource: this.options.jobSource } : {},
        windows: this.options.windows,
        statePath: `${this.options.stateDir}/windows/worker-${index}`,
        ...this.options.writeBufferEntries === void 0 ? {} : { writeBufferEntries: this.options.writeBufferEntries },
        ...this.options.exitAfterSteps === void 0 ? {} : { exitAfterSteps: this.options.exitAfterSteps }
      };
      const worker = this.supervisor.start({
        id: `window-worker-${index}`,
        file: new URL("./actors/window-worker.js", import.meta.url),
        workerData: init,
        ...this.options.maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } } : {}
      });
      this.handles.push(this.attach(index, worker));
    }
    discardPrestarted();
  }
  /** Where results go (when the stage was built before the pipeline that consumes them). */
  bindResults(onResults) {
    this.onResults = onResults;
  }
  /** Where what became of late candidates goes (session windows). */
  bindLate(onLate) {
    this.onLate = onLate;
  }
  /** What to restore (when decided after the stage was built and spawned). */
  setRestore(restore) {
    this.restore = restore;
  }
  async start() {
    this.spawn();
    const { workers } = this.options;
    const ready = [];
    for (const handle2 of this.handles) {
      const { worker, index } = handle2;
      const keyGroups = keyGroupsOfWorker(index, workers);
      const fromSavepoint = this.restore.importSavepoint;
      ready.push(this.untilFailure(new Promise((resolve2) => {
        const onReady = (m) => {
          if (m.type === "ready") {
            worker.off("message", onReady);
            this.importedEntries += m.imported ?? 0;
            resolve2();
          }
        };
        worker.on("message", onReady);
      })));
      this.post(handle2, {
        type: "restore",
        nowMs: this.clock.now(),
        ...this.restore.restoreTo === void 0 ? {} : { restoreTo: this.restore.restoreTo },
        // Rescaling: whatever the worker count was when it was taken, each worker gets the files
        // of the key groups it owns now.
        ...fromSavepoint ? { importSavepoint: { ...fromSavepoint, files: fromSavepoint.files.filter((f) => keyGroups.includes(f.keyGroup)) } } : {}
      });
    }
    await Promise.all(ready);
    const job = this.options.jobSource ? await loadJobSource(this.options.jobSource) : jobByName(this.options.job);
    this.input = windowInputOf(job);
    if (this.options.onMetrics) {
      const every = this.options.metricsIntervalMs ?? 5e3;
      const ask = () => {
        if (this.failure)
          return;
        for (const handle2 of this.handles)
          this.post(handle2, { type: "metrics", seq: ++this.seq });
        this.cancelMetrics = this.scheduler.schedule(every, ask);
      };
      this.cancelMetrics = this.scheduler.schedule(every, ask);
    }
    this.options.logger.info({
      workers,
      keyGroups: KEY_GROUPS,
      // Started by cli.ts before the modules loaded (thread-prestart.ts): the rest started here.
      prestarted: this.supervisor.adoptedThreads,
      ...this.options.importSavepoint ? { importedEntries: this.importedEntries } : {}
    }, "window workers ready");
  }
  async process(step) {
    this.throwIfFailed();
    if (!this.input)
      throw new SluiceError(ErrorCode.INTERNAL, "process() before start()");
    const shares = encodeSteps(step.events, this.handles.length, this.ownerOf, this.input);
    const { watermarkBefore, watermarkAfter, nowMs } = step;
    const advancing = watermarkAfter > watermarkBefore;
    for (const handle2 of this.handles) {
      const { columns, transfer, bytes } = shares[handle2.index];
      if (columns.n === 0 && !advancing)
        continue;
      const credit = { events: columns.n, bytes };
      await this.untilFailure(this.reserve(handle2, credit));
      handle2.pendingWatermarks.push(watermarkAfter);
      this.postStep(handle2, { type: "step", seq: ++this.seq, step: { columns, watermarkBefore, watermarkAfter, nowMs }, credit }, transfer);
    }
  }
  /**
   * Barrier of checkpoint `id` after every step posted so far (a port is FIFO: that is the cut).
   * With `savepoint`, every worker also writes its key groups as of the barrier into `savepoint.dir`.
   * Acks come back through `onBarrierAck`, in each worker's reply order.
   */
  barrier(id, savepoint) {
    this.throwIfFailed();
    for (const handle2 of this.handles)
      this.post(handle2, { type: "barrier", id, ...savepoint ? { savepoint } : {} });
  }
  /** Entries the workers loaded from a savepoint at start. */
  get imported() {
    return this.importedEntries;
  }
  /** Checkpoint `oldestRetainedId` is the oldest kept: workers drop older undo logs. */
  checkpointComplete(oldestRetainedId) {
    if (this.failure)
      return;
    for (const handle2 of this.handles)
      this.post(handle2, { type: "checkpoint-complete", oldestRetainedId });
  }
  async drain() {
    this.throwIfFailed();
    await this.untilFailure(Promise.all(this.handles.map((handle2) => new Promise((resolve2) => {
      const seq = ++this.seq;
      handle2.drainWaiters.set(seq, resolve2);
      this.post(handle2, { type: "drain", seq });
    }))).then(() => void 0));
  }
  async stop() {
    this.cancelMetrics?.();
    this.stopping = true;
    this.rejectQueries(new SluiceError(ErrorCode.QUERY_UNAVAILABLE, "the job is stopping", { retriable: true }));
    if (!this.failure) {
      const stopped = this.handles.map((handle2) => new Promise((resolve2) => {
        this.supervisor.expectExit(`window-worker-${handle2.index}`);
        const cancel = this.scheduler.schedule(5e3, resolve2);
        handle2.worker.once("exit", () => {
          cancel();
          resolve2();
        });
        this.post(handle2, { type: "stop" });
      }));
      await Promise.all(stopped);
    }
    await this.supervisor.exitAll();
    for (const handle2 of this.handles)
      handle2.subscription.unsubscribe();
  }
  openWindows() {
    return this.handles.reduce((n3, h) => n3 + h.openWindows, 0);
  }
  handedOverWatermark() {
    return this.handles.reduce((wm, h) => Math.min(wm, h.handedOver), Number.POSITIVE_INFINITY);
  }
  /**
   * A live query (src/query), through the workers' message queues: a key's query goes to the worker
   * owning its key group, a window's to every worker. Each answers between two steps, from its live
   * state. Rejects with QUERY_TIMEOUT after `timeoutMs` (a late answer is dropped), with the
   * worker's error (QUERY_TOO_BROAD...), or with the failure of the stage.
   */
  query(query, timeoutMs) {
    if (this.failure)
      return Promise.reject(new SluiceError(ErrorCode.QUERY_UNAVAILABLE, `the window workers failed (${this.failure.code}); the job is restarting`, {
        retriable: true
      }));
    if (this.handles.length === 0 || this.stopping) {
      return Promise.reject(new SluiceError(ErrorCode.QUERY_UNAVAILABLE, this.stopping ? "the job is stopping" : "the window workers have not started", {
        retriable: true
      }));
    }
    const targets = query.kind === "key-windows" ? [this.handles[this.ownerOf(query.key)]] : this.handles;
    return Promise.all(targets.map((handle2) => new Promise((resolve2, reject) => {
      const seq = ++this.seq;
      const timer = setTimeout(() => {
        handle2.queries.delete(seq);
        reject(new SluiceError(ErrorCode.QUERY_TIMEOUT, `window worker ${handle2.index} did not answer within ${timeoutMs} ms (SLUICE_QUERY_TIMEOUT_MS): it is busy with the steps queued before the query`, { retriable: true, details: { timeoutMs } }));
      }, timeoutMs);
      handle2.queries.set(seq, { resolve: resolve2, reject, timer });
      this.post(handle2, { type: "query", seq, query });
    })));
  }
  attach(index, worker) {
    const replies = new import_rxjs.Subject();
    const handle2 = {
      index,
      worker,
      available: { ...this.options.inbox },
      creditWaiters: [],
      replies,
      drainWaiters: /* @__PURE__ */ new Map(),
      openWindows: 0,
      pendingWatermarks: [],
      handedOver: Number.NEGATIVE_INFINITY,
      barriersPassed: 0,
      queries: /* @__PURE__ */ new Map(),
      outbox: [],
      outboxTransfer: [],
      outboxEvents: 0,
      subscription: void 0
    };
    handle2.subscription = replies.pipe((0, import_rxjs.concatMap)((reply) => this.onReply(handle2, reply))).subscribe({
      error: (err) => this.fail(toSluiceError(err))
    });
    worker.on("message", (message) => {
      if (message.type === "query-result")
        this.onQueryResult(handle2, message);
      else
        replies.next(message);
    });
    return handle2;
  }
  async onReply(handle2, reply) {
    switch (reply.type) {
      case "results":
        handle2.openWindows = reply.openWindows;
        if (reply.results.length > 0)
          await this.onResults(reply.results, handle2.barriersPassed);
        if (reply.candidates) {
          if (!this.onLate)
            throw new SluiceError(ErrorCode.INTERNAL, "late candidates reported, and nothing to hand them to (bindLate)");
          await this.onLate(reply.candidates, handle2.barriersPassed);
        }
        if (reply.last)
          handle2.handedOver = Math.max(handle2.handedOver, handle2.pendingWatermarks.shift() ?? handle2.handedOver);
        this.release(handle2, reply.credit);
        return;
      case "drained": {
        const resolve2 = handle2.drainWaiters.get(reply.seq);
        handle2.drainWaiters.delete(reply.seq);
        resolve2?.();
        return;
      }
      case "barrier-ack":
        handle2.barriersPassed++;
        this.options.onBarrierAck?.(handle2.index, reply.id, reply.changed, reply.savepointFiles);
        return;
      case "barrier-declined":
        handle2.barriersPassed++;
        this.options.onBarrierDeclined?.(handle2.index, reply.id, deserializeError(reply.error));
        return;
      case "failed":
        this.fail(deserializeError(reply.error));
        return;
      case "ready":
        handle2.openWindows = reply.openWindows;
        return;
      case "metrics":
        this.options.onMetrics?.(`worker-${handle2.index}`, reply.snapshot);
        return;
      case "query-result":
      case "stopped":
        return;
    }
  }
  onQueryResult(handle2, reply) {
    const pending = handle2.queries.get(reply.seq);
    if (!pending)
      return;
    handle2.queries.delete(reply.seq);
    clearTimeout(pending.timer);
    if (reply.answer)
      pending.resolve({ workerIndex: handle2.index, watermark: reply.watermark, answer: reply.answer });
    else
      pending.reject(reply.error ? deserializeError(reply.error) : new SluiceError(ErrorCode.INTERNAL, "a query result without an answer"));
  }
  /** Queries still waiting get `err` (the stage failed or stopped). */
  rejectQueries(err) {
    for (const handle2 of this.handles) {
      for (const pending of handle2.queries.values()) {
        clearTimeout(pending.timer);
        pending.reject(err);
      }
      handle2.queries.clear();
    }
  }
  reserve(handle2, credit) {
    const fits = () => {
      const { available } = handle2;
      const full = available.events >= this.options.inbox.events && available.bytes >= this.options.inbox.bytes;
      return full || available.events >= credit.events && available.bytes >= credit.bytes;
    };
    const take = () => {
      handle2.available.events -= credit.events;
      handle2.available.bytes -= credit.bytes;
    };
    if (handle2.creditWaiters.length === 0 && fits()) {
      take();
      return Promise.resolve();
    }
    return new Promise((resolve2) => {
      const attempt = () => {
        if (!fits())
          return false;
        take();
        resolve2();
        return true;
      };
      handle2.creditWaiters.push(attempt);
    });
  }
  release(handle2, credit) {
    handle2.available.events += credit.events;
    handle2.available.bytes += credit.bytes;
    while (handle2.creditWaiters.length > 0) {
      const waiter = handle2.creditWaiters[0];
      if (!waiter())
        break;
      handle2.creditWaiters.shift();
    }
  }
  /** Any message: after the steps made before it (a port is FIFO, and so is what we send). */
  post(handle2, message, transfer) {
    this.postOutbox(handle2);
    handle2.worker.postMessage(message, transfer);
  }
  /**
   * A step waits for the end of the event loop's turn, so that the steps of every batch processed
   * in that turn (the read-ahead queue holds up to one per partition) reach a worker in one post.
   * A post has a cost of its own whatever its size, and at 50k events/s kafkajs hands over batches
   * of tens of records: 2,800 step messages a second, 476 once per turn (decision 0012). The
   * worker applies them one by one, as if each came alone: no result changes. What waits is
   * bounded by the credit it reserved.
   */
  postStep(handle2, message, transfer) {
    handle2.outbox.push(message);
    handle2.outboxEvents += message.credit.events;
    for (const buffer of transfer)
      handle2.outboxTransfer.push(buffer);
    if (handle2.outboxEvents >= POST_AT_EVENTS) {
      this.postOutbox(handle2);
      return;
    }
    if (this.outboxScheduled)
      return;
    this.outboxScheduled = true;
    setImmediate(() => {
      this.outboxScheduled = false;
      for (const h of this.handles)
        this.postOutbox(h);
    });
  }
  postOutbox(handle2) {
    const steps = handle2.outbox;
    if (steps.length === 0)
      return;
    const transfer = handle2.outboxTransfer;
    handle2.outbox = [];
    handle2.outboxTransfer = [];
    handle2.outboxEvents = 0;
    handle2.worker.postMessage(steps.length === 1 ? steps[0] : { type: "steps", steps }, transfer);
  }
  fail(err) {
    if (this.failure)
      return;
    this.failure = err;
    this.rejectQueries(new SluiceError(ErrorCode.QUERY_UNAVAILABLE, `the window workers failed (${err.code}); the job is restarting`, { retriable: true }));
    for (const waiter of this.failureWaiters)
      waiter(err);
    this.failureWaiters.clear();
    this.options.onFailure(err);
  }
  throwIfFailed() {
    if (this.failure)
      throw this.failure;
  }
  /** Settle with the promise, or reject as soon as a worker fails: no wait outlives a failure. */
  untilFailure(promise) {
    if (this.failure)
      return Promise.reject(this.failure);
    return new Promise((resolve2, reject) => {
      const onFailure = (err) => reject(err);
      this.failureWaiters.add(onFailure);
      promise.then((value) => {
        this.failureWaiters.delete(onFailure);
        resolve2(value);
      }, (err) => {
        this.failureWaiters.delete(onFailure);
        reject(err);
      });
    });
  }
};
function toSluiceError(err) {
  return err instanceof SluiceError ? err : new SluiceError(ErrorCode.INTERNAL, err instanceof Error ? err.message : String(err), { cause: err });
}

// dist/src/state/checkpoints/checkpointing.js
import { rmSync as rmSync2 } from "node:fs";
import { join as join2 } from "node:path";

// dist/src/state/checkpoints/checkpoint-coordinator.js
var CheckpointFailureReason = {
  /** `triggerBarrier` rejected: the barrier could not be placed (source not ready, ...). */
  TRIGGER_FAILED: "TRIGGER_FAILED",
  /** A participant declined (its snapshot failed, its alignment was cancelled, ...). */
  DECLINED: "DECLINED",
  /** Not every participant acknowledged within `timeoutMs` of the trigger. */
  TIMEOUT: "TIMEOUT",
  /** `persist` rejected: the checkpoint could not be recorded durably. */
  PERSIST_FAILED: "PERSIST_FAILED",
  /** `stop()` was called while it was pending (not counted as a failure in a row). */
  ABORTED_BY_STOP: "ABORTED_BY_STOP"
};
var DEFAULT_TOLERABLE_FAILURES = 3;
var CheckpointCoordinator = class {
  options;
  state = "created";
  nextId;
  participants;
  tolerable;
  pending;
  /** triggerNow calls waiting for the in-flight checkpoint to end; served together by the next one. */
  requested;
  /** After `triggerNow({ final: true })`: no more periodic checkpoints. */
  periodicOff = false;
  timer;
  lastTriggerAt;
  lastEndAt;
  consecutiveFailures = 0;
  completedCount = 0;
  failedCounts = Object.fromEntries(Object.values(CheckpointFailureReason).map((r) => [r, 0]));
  lastCompleted;
  lastFailure;
  constructor(options) {
    this.options = options;
    this.participants = new Set(options.participants);
    this.tolerable = options.tolerableConsecutiveFailures ?? DEFAULT_TOLERABLE_FAILURES;
    this.nextId = options.firstCheckpointId ?? 1;
  }
  /** Begin periodic checkpoints. */
  start() {
    if (this.state !== "created")
      throw new SluiceError(ErrorCode.INTERNAL, `checkpoint coordinator cannot start: it is ${this.state}`);
    this.state = "running";
    this.scheduleNext();
  }
  /**
   * A checkpoint now (a savepoint, or the final checkpoint of a graceful stop), regardless of the
   * interval and min pause. If one is in flight, this one starts as soon as it ends; calls made
   * meanwhile share that next checkpoint. `final`: no periodic checkpoint starts after this call.
   * Rejects with CHECKPOINT_FAILED (details.reason) if it fails or the coordinator stops.
   */
  triggerNow(options = {}) {
    if (this.state !== "created" && this.state !== "running") {
      return Promise.reject(this.error(CheckpointFailureReason.ABORTED_BY_STOP, `no checkpoint can start: the checkpoint coordinator is ${this.state}`));
    }
    if (options.final) {
      this.periodicOff = true;
      this.cancelTimer();
    }
    return new Promise((resolve2, reject) => {
      const request = this.requested ??= { savepoint: false, waiters: [] };
      request.savepoint ||= options.savepoint === true;
      request.waiters.push({ resolve: resolve2, reject });
      if (!this.pending)
        this.startRequested();
    });
  }
  /** Participant `participantId` is done with checkpoint `checkpointId`; `sizeBytes` feeds the stats. */
  acknowledge(checkpointId, participantId, payload, sizeBytes = 0) {
    const p = this.match(checkpointId, participantId);
    if (typeof p === "string")
      return p;
    p.acks.set(participantId, payload);
    p.sizeBytes += sizeBytes;
    this.maybePersist(p);
    return "accepted";
  }
  /** Participant `participantId` cannot complete checkpoint `checkpointId`: it fails (DECLINED). */
  decline(checkpointId, participantId, reason) {
    const p = this.pending;
    if (!p || p.id !== checkpointId)
      return this.unmatched(checkpointId);
    if (!this.participants.has(participantId))
      return "unknown-participant";
    if (p.phase === "persisting")
      return "late";
    const why = reason instanceof Error ? reason.message : String(reason);
    this.fail(p, CheckpointFailureReason.DECLINED, `participant ${participantId} declined checkpoint ${p.id}: ${why}`, reason, participantId);
    return "accepted";
  }
  /**
   * Stop: no new checkpoint starts, a pending one is aborted (ABORTED_BY_STOP), waiting triggerNow
   * calls reject. A checkpoint already persisting is let finish first (it is consistent).
   */
  async stop() {
    if (this.state === "stopped" || this.state === "failed")
      return;
    if (this.state === "stopping") {
      await this.pending?.done;
      return;
    }
    this.state = "stopping";
    this.cancelTimer();
    this.rejectRequested(this.error(CheckpointFailureReason.ABORTED_BY_STOP, "the checkpoint coordinator stopped before this checkpoint could start"));
    const p = this.pending;
    if (p && p.phase !== "persisting")
      this.fail(p, CheckpointFailureReason.ABORTED_BY_STOP, `checkpoint ${p.id} aborted: the checkpoint coordinator stopped`);
    await p?.done;
    if (this.state === "stopping")
      this.state = "stopped";
  }
  stats() {
    const p = this.pending;
    return {
      state: this.state,
      ...p ? {
        inFlight: {
          id: p.id,
          kind: p.kind,
          phase: p.phase,
          triggeredAt: p.triggeredAt,
          waitingFor: [...this.participants].filter((id) => !p.acks.has(id))
        }
      } : {},
      ...this.lastCompleted ? { lastCompleted: { ...this.lastCompleted } } : {},
      completed: this.completedCount,
      failed: { ...this.failedCounts },
      consecutiveFailures: this.consecutiveFailures,
      ...this.lastFailure ? { lastFailure: { ...this.lastFailure } } : {},
      ...this.timer ? { nextTriggerAt: this.timer.at } : {}
    };
  }
  match(checkpointId, participantId) {
    const p = this.pending;
    if (!p || p.id !== checkpointId)
      return this.unmatched(checkpointId);
    if (!this.participants.has(participantId))
      return "unknown-participant";
    if (p.acks.has(participantId))
      return "duplicate";
    return p;
  }
  /** An id below the next one belonged to a checkpoint that is over (or never reached us in time). */
  unmatched(checkpointId) {
    return checkpointId < this.nextId ? "late" : "unknown-checkpoint";
  }
  scheduleNext() {
    this.cancelTimer();
    if (this.state !== "running" || this.periodicOff || this.pending)
      return;
    const now = this.options.clock.now();
    const due = this.lastTriggerAt === void 0 ? now + (this.options.initialDelayMs ?? this.options.intervalMs) : Math.max(this.lastTriggerAt + this.options.intervalMs, (this.lastEndAt ?? now) + this.options.minPauseMs);
    const cancel = this.options.scheduler.schedule(due - now, () => {
      this.timer = void 0;
      if (this.state === "running" && !this.pending && !this.periodicOff)
        this.begin("periodic", []);
    });
    this.timer = { at: Math.max(due, now), cancel };
  }
  cancelTimer() {
    this.timer?.cancel();
    this.timer = void 0;
  }
  startRequested() {
    const request = this.requested;
    if (!request)
      return;
    this.requested = void 0;
    this.cancelTimer();
    this.begin(request.savepoint ? "savepoint" : "forced", request.waiters);
  }
  begin(kind, waiters) {
    const now = this.options.clock.now();
    let release;
    const done = new Promise((resolve2) => release = resolve2);
    const p = {
      id: this.nextId++,
      kind,
      triggeredAt: now,
      phase: "triggering",
      acks: /* @__PURE__ */ new Map(),
      sizeBytes: 0,
      cancelTimeout: () => {
      },
      settled: false,
      waiters,
      done,
      release
    };
    this.pending = p;
    this.lastTriggerAt = now;
    p.cancelTimeout = this.options.scheduler.schedule(this.options.timeoutMs, () => {
      if (p.phase === "persisting")
        return;
      const waitingFor = [...this.participants].filter((id) => !p.acks.has(id));
      const what = p.phase === "triggering" ? "the barrier was not placed" : `no acknowledgement from ${waitingFor.join(", ")}`;
      this.fail(p, CheckpointFailureReason.TIMEOUT, `checkpoint ${p.id} timed out after ${this.options.timeoutMs} ms: ${what}`);
    });
    void this.trigger(p);
  }
  async trigger(p) {
    let placement;
    try {
      placement = await this.options.triggerBarrier(p.id, p.kind);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.fail(p, CheckpointFailureReason.TRIGGER_FAILED, `checkpoint ${p.id}: the barrier could not be placed: ${why}`, err);
      return;
    }
    if (p.settled)
      return;
    p.placement = { value: placement };
    p.phase = "acknowledging";
    this.maybePersist(p);
  }
  maybePersist(p) {
    if (p.settled || p.phase !== "acknowledging" || !p.placement || p.acks.size < this.participants.size)
      return;
    p.phase = "persisting";
    p.cancelTimeout();
    const completed = {
      id: p.id,
      kind: p.kind,
      triggeredAt: p.triggeredAt,
      acknowledgedAt: this.options.clock.now(),
      placement: p.placement.value,
      acks: p.acks,
      sizeBytes: p.sizeBytes
    };
    void this.persist(p, completed);
  }
  async persist(p, completed) {
    try {
      await this.options.persist(completed);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.fail(p, CheckpointFailureReason.PERSIST_FAILED, `checkpoint ${p.id} could not be recorded: ${why}`, err);
      return;
    }
    p.settled = true;
    const now = this.options.clock.now();
    this.completedCount++;
    this.consecutiveFailures = 0;
    this.lastCompleted = { id: p.id, kind: p.kind, completedAt: now, durationMs: now - p.triggeredAt, sizeBytes: p.sizeBytes };
    try {
      await this.options.onCompleted?.(completed);
    } catch (err) {
      this.options.logger?.warn({ err, checkpointId: p.id }, "checkpoint completed, but its completion handler failed");
    }
    for (const w of p.waiters)
      w.resolve(completed);
    this.end(p);
  }
  fail(p, reason, message, cause, participant) {
    if (p.settled)
      return;
    p.settled = true;
    p.cancelTimeout();
    const error = this.error(reason, message, cause, { checkpointId: p.id, ...participant ? { participant } : {} });
    const failure = {
      checkpointId: p.id,
      kind: p.kind,
      reason,
      error,
      at: this.options.clock.now(),
      ...participant ? { participant } : {}
    };
    this.failedCounts[reason]++;
    this.lastFailure = { id: p.id, reason, at: failure.at, message };
    try {
      this.options.onAborted?.(failure);
    } catch (err) {
      this.options.logger?.warn({ err, checkpointId: p.id }, "the checkpoint abort handler failed");
    }
    for (const w of p.waiters)
      w.reject(error);
    const counted = p.kind === "periodic" && reason !== CheckpointFailureReason.ABORTED_BY_STOP;
    if (counted && ++this.consecutiveFailures > this.tolerable) {
      this.fatal(new SluiceError(ErrorCode.CHECKPOINT_FAILED, `${this.consecutiveFailures} checkpoints failed in a row (tolerable: ${this.tolerable}); last: ${message}`, {
        cause: error,
        details: { checkpointId: p.id, reason, consecutiveFailures: this.consecutiveFailures, tolerable: this.tolerable }
      }));
    }
    this.end(p);
  }
  /** Free the slot, then serve waiting triggerNow calls or plan the next periodic checkpoint. */
  end(p) {
    if (this.pending === p)
      this.pending = void 0;
    this.lastEndAt = this.options.clock.now();
    p.release();
    if (this.state !== "running" && this.state !== "created")
      return;
    if (this.requested)
      this.startRequested();
    else
      this.scheduleNext();
  }
  fatal(err) {
    if (this.state === "failed")
      return;
    this.state = "failed";
    this.cancelTimer();
    this.rejectRequested(err);
    this.options.onFatal(err);
  }
  rejectRequested(err) {
    const request = this.requested;
    this.requested = void 0;
    for (const w of request?.waiters ?? [])
      w.reject(err);
  }
  error(reason, message, cause, details = {}) {
    return new SluiceError(ErrorCode.CHECKPOINT_FAILED, message, {
      retriable: reason !== CheckpointFailureReason.ABORTED_BY_STOP,
      ...cause === void 0 ? {} : { cause },
      details: { ...details, reason }
    });
  }
};

// dist/src/state/checkpoints/checkpoint-store.js
import { mkdirSync as mkdirSync2 } from "node:fs";
import { open } from "lmdb";
var CHECKPOINT_FORMAT_VERSION = 1;
var CheckpointStore = class {
  env;
  db;
  path;
  constructor(stateDir) {
    const path = `${stateDir}/checkpoints`;
    this.path = path;
    mkdirSync2(path, { recursive: true });
    this.env = open({ path, mapSize: 256 * 1024 ** 2 });
    this.db = this.env.openDB({ name: "checkpoints" });
  }
  /** Record a completed checkpoint durably (synchronous commit, flushed), then keep the newest `retained`. */
  async write(record, retained) {
    const json = canonicalJson(record);
    await this.db.put(record.id, { json, sha256: sha256(json) });
    await this.env.flushed;
    const ids = this.ids();
    const keep = ids.slice(-Math.max(2, retained));
    const drop = ids.slice(0, ids.length - keep.length);
    if (drop.length > 0) {
      await this.env.transaction(() => {
        for (const id of drop)
          this.db.remove(id);
      });
    }
    return { oldestRetainedId: keep[0] ?? record.id, bytes: Buffer.byteLength(json) };
  }
  /** Ids of the records held, oldest first. */
  ids() {
    return [...this.db.getKeys()].sort((a, b) => a - b);
  }
  /** The record `id` if its checksum verifies; `undefined` if absent; throws CHECKPOINT_CORRUPT if damaged. */
  read(id) {
    const stored = this.db.get(id);
    if (stored === void 0)
      return void 0;
    if (typeof stored?.json !== "string" || sha256(stored.json) !== stored.sha256) {
      throw new SluiceError(ErrorCode.CHECKPOINT_CORRUPT, `checkpoint ${id} in ${this.path} is damaged: its checksum does not verify`, {
        details: { checkpointId: id }
      });
    }
    const record = JSON.parse(stored.json);
    if (record.formatVersion !== CHECKPOINT_FORMAT_VERSION || record.id !== id) {
      throw new SluiceError(ErrorCode.CHECKPOINT_CORRUPT, `checkpoint ${id} has format version ${record.formatVersion} (this sluice reads ${CHECKPOINT_FORMAT_VERSION})`, {
        details: { checkpointId: id }
      });
    }
    return record;
  }
  /** Every record held, each read and verified, or the error reading it raised (for planRestore). */
  stored() {
    return this.ids().flatMap((id) => {
      try {
        const record = this.read(id);
        return record ? [{ id, record }] : [];
      } catch (err) {
        return [{ id, error: err }];
      }
    });
  }
  /** Drop records newer than `id` (after restoring `id`, their undo logs are gone). */
  async dropAfter(id) {
    const drop = this.ids().filter((i) => i > id);
    if (drop.length === 0)
      return;
    await this.env.transaction(() => {
      for (const i of drop)
        this.db.remove(i);
    });
    await this.env.flushed;
  }
  /** Test helper: overwrite the stored bytes of record `id` (to simulate damage). */
  async corruptForTest(id) {
    const stored = this.db.get(id);
    if (!stored)
      return;
    await this.db.put(id, { json: stored.json.replace(/"createdAt":\d/, '"createdAt":9'), sha256: stored.sha256 });
    await this.env.flushed;
  }
  async close() {
    await this.env.close();
  }
};

// dist/src/state/checkpoints/checkpointing.js
var Checkpointing = class {
  options;
  coordinator;
  inFlight = /* @__PURE__ */ new Map();
  /** Where the next savepoint goes and who waits for its path (set by `savepoint()`, one at a time). */
  nextSavepoint;
  savepointQueue = Promise.resolve();
  savepointSummary;
  constructor(options) {
    this.options = options;
    const { checkpoint, workers, clock, scheduler, logger } = options;
    this.coordinator = new CheckpointCoordinator({
      intervalMs: checkpoint.intervalMs,
      minPauseMs: checkpoint.minPauseMs,
      timeoutMs: checkpoint.timeoutMs,
      tolerableConsecutiveFailures: checkpoint.tolerableFailures,
      firstCheckpointId: options.firstCheckpointId,
      participants: [...Array.from({ length: workers }, (_, i) => `worker-${i}`), "sinks"],
      clock,
      scheduler,
      logger,
      triggerBarrier: (id, kind) => this.trigger(id, kind),
      persist: (completed) => this.persist(completed),
      onCompleted: (completed) => this.completed(completed),
      onAborted: (failure) => {
        const entry = this.inFlight.get(failure.checkpointId);
        this.inFlight.delete(failure.checkpointId);
        if (entry?.savepoint)
          discardSavepoint(entry.savepoint.target);
        entry?.trace.end(failure.error);
        options.telemetry.failed(failure.reason);
        if (failure.reason !== "ABORTED_BY_STOP")
          logger.warn({ err: failure.error, checkpointId: failure.checkpointId, reason: failure.reason }, "checkpoint failed");
      },
      onFatal: (err) => options.onFatal(err)
    });
  }
  start() {
    this.coordinator.start();
  }
  stop() {
    return this.coordinator.stop();
  }
  /** A checkpoint now (the side-output buffer is full, say); no-op failures. */
  requestEarly() {
    void this.coordinator.triggerNow().catch(() => void 0);
  }
  /** The final checkpoint of a graceful stop: no periodic one after it. */
  async final() {
    await this.coordinator.triggerNow({ final: true });
    await this.coordinator.stop();
  }
  /**
   * Take a savepoint: a checkpoint whose barrier also makes every worker write its key groups into
   * `<parentDir>/savepoint-<id>-<time>`. Resolves with its path once complete. One at a time.
   */
  savepoint(parentDir = join2(this.options.stateDir, "savepoints")) {
    const take = async () => {
      const path = new Promise((resolve2) => this.nextSavepoint = { parentDir, resolve: resolve2 });
      try {
        await this.coordinator.triggerNow({ savepoint: true });
      } catch (err) {
        throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `the savepoint's checkpoint failed: ${err.message}`, { cause: err });
      } finally {
        this.nextSavepoint = void 0;
      }
      return path;
    };
    const result = this.savepointQueue.then(take, take);
    this.savepointQueue = result.catch(() => void 0);
    return result;
  }
  /** Worker `worker` acked barrier `id`; once every worker has, the sinks flush and ack for `sinks`. */
  workerAcked(worker, id, changed, savepointFiles) {
    this.coordinator.acknowledge(id, `worker-${worker}`, { changed, ...savepointFiles ? { savepointFiles } : {} }, changed);
    const entry = this.inFlight.get(id);
    if (!entry)
      return;
    entry.workersAcked.add(worker);
    if (entry.workersAcked.size < this.options.workers)
      return;
    entry.trace.step("flush sinks", () => this.options.flushSinks()).then(() => this.coordinator.acknowledge(id, "sinks", { changed: 0 }), (err) => this.coordinator.decline(id, "sinks", err));
  }
  workerDeclined(worker, id, err) {
    this.coordinator.decline(id, `worker-${worker}`, err);
  }
  async trigger(id, kind) {
    const request = kind === "savepoint" ? this.nextSavepoint : void 0;
    const target = request ? prepareSavepoint(request.parentDir, savepointName(id, this.options.clock.now())) : void 0;
    const entry = {
      id,
      workersAcked: /* @__PURE__ */ new Set(),
      trace: this.options.telemetry.trace(id),
      ...target ? { savepoint: { target, ...request ? { resolve: request.resolve } : {} } } : {}
    };
    this.inFlight.set(id, entry);
    return this.options.placeBarrier(id, target ? { dir: target.tmpDir } : void 0);
  }
  /** Phase 1: the record; phase 2: the side outputs and offsets (until that commits, the record does not count). */
  async persist(completed) {
    const { store, sideOutputs, checkpoint, clock } = this.options;
    const entry = this.inFlight.get(completed.id);
    const trace2 = entry?.trace;
    const step = (name, fn) => trace2 ? trace2.step(name, fn) : fn();
    const savepointPath = entry?.savepoint ? this.finishSavepoint(entry.savepoint.target, completed) : void 0;
    try {
      const { oldestRetainedId, bytes } = await step("persist", () => store.write(this.record(completed), checkpoint.retained));
      const offsets = new Map(Object.entries(completed.placement.offsets).map(([p, o]) => [Number(p), o]));
      try {
        await step("commit side outputs and offsets", () => sideOutputs.commit(completed.id, offsets, clock.now() + checkpoint.timeoutMs));
      } catch (err) {
        await store.dropAfter(completed.id - 1).catch(() => void 0);
        throw err;
      }
      this.options.pruneBefore(oldestRetainedId);
      this.options.telemetry.completed(clock.now() - completed.triggeredAt, bytes);
    } catch (err) {
      if (savepointPath)
        rmSync2(savepointPath, { recursive: true, force: true });
      throw err;
    }
    if (savepointPath) {
      this.options.logger.info(this.savepointSummary ?? {}, "savepoint complete");
      entry?.savepoint?.resolve?.(savepointPath);
    }
  }
  completed(completed) {
    const entry = this.inFlight.get(completed.id);
    this.inFlight.delete(completed.id);
    entry?.trace.end();
    this.options.logger.debug({
      checkpointId: completed.id,
      kind: completed.kind,
      offsets: completed.placement.offsets,
      changed: completed.sizeBytes,
      durationMs: this.options.clock.now() - completed.triggeredAt
    }, "checkpoint complete");
  }
  /** Every worker wrote its key groups: write the manifest and give the savepoint its final name. */
  finishSavepoint(target, completed) {
    const { identity, workers, clock } = this.options;
    const files = [...completed.acks.values()].flatMap((ack) => ack.savepointFiles ?? []);
    const manifest = finishSavepoint(target, {
      formatVersion: SAVEPOINT_FORMAT_VERSION,
      sluiceVersion: identity.version,
      createdAt: new Date(clock.now()).toISOString(),
      checkpointId: completed.id,
      job: identity.job,
      source: { topic: identity.topic, groupId: identity.groupId },
      keyGroups: KEY_GROUPS,
      workers,
      windowMs: identity.windowMs,
      placement: completed.placement,
      files,
      ...identity.definition ? { definition: identity.definition } : {}
    });
    this.savepointSummary = {
      savepoint: target.finalDir,
      checkpointId: completed.id,
      keyGroupFiles: files.length,
      entries: files.reduce((n3, f) => n3 + f.entries, 0),
      offsets: manifest.placement.offsets
    };
    return target.finalDir;
  }
  record(completed) {
    const changed = {};
    for (const [participant, ack] of completed.acks) {
      if (participant.startsWith("worker-"))
        changed[participant.slice("worker-".length)] = ack.changed;
    }
    const { identity, workers, clock } = this.options;
    return {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      id: completed.id,
      kind: completed.kind,
      createdAt: clock.now(),
      triggeredAt: completed.triggeredAt,
      workers,
      keyGroups: KEY_GROUPS,
      source: { topic: identity.topic, groupId: identity.groupId },
      placement: completed.placement,
      changed,
      // No partition read yet (nothing consumed since an empty start): no letters can exist and the
      // side outputs commit no transaction, so the record must not wait for Kafka to confirm one.
      sideOutputsTxn: Object.keys(completed.placement.offsets).length > 0,
      ...identity.definition ? { definition: identity.definition } : {}
    };
  }
};

// dist/src/state/state-lock.js
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join as join3 } from "node:path";
var StateDirectoryLock = class _StateDirectoryLock {
  file;
  constructor(file) {
    this.file = file;
  }
  static async acquire(dir2) {
    await mkdir(dir2, { recursive: true });
    const file = join3(dir2, "LOCK");
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(file, String(process.pid), { flag: "wx" });
        return new _StateDirectoryLock(file);
      } catch (err) {
        if (err.code !== "EEXIST")
          throw err;
        const owner = Number((await readFile(file, "utf8").catch(() => "")).trim());
        if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
          throw new SluiceError(ErrorCode.STATE_DIR_LOCKED, `state directory ${dir2} is in use by process ${owner}; run one daemon per SLUICE_STATE_DIR`, { details: { dir: dir2, owner } });
        }
        await rm(file, { force: true });
      }
    }
    throw new SluiceError(ErrorCode.STATE_DIR_LOCKED, `could not lock state directory ${dir2}`, { details: { dir: dir2 } });
  }
  async release() {
    await rm(this.file, { force: true });
  }
};
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

// dist/src/telemetry/daemon-telemetry.js
import { performance as performance2 } from "node:perf_hooks";

// dist/src/telemetry/http-server.js
import { createServer as createServer2 } from "node:http";
var OPS_HOST = "127.0.0.1";
async function startOpsServer(port, endpoints, host = OPS_HOST) {
  const server = createServer2((req, res) => {
    handle(req, res, endpoints).catch((err) => {
      if (!res.headersSent)
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`internal error: ${err instanceof Error ? err.message : String(err)}
`);
    });
  });
  server.keepAliveTimeout = 5e3;
  await new Promise((resolve2, reject) => {
    const onError = (err) => {
      reject(new SluiceError(ErrorCode.METRICS_SERVER_FAILED, err.code === "EADDRINUSE" ? `cannot serve /metrics on ${host}:${port}: the port is in use (set SLUICE_METRICS_PORT to a free port, or 0 to turn the endpoint off)` : `cannot serve /metrics on ${host}:${port}: ${err.message}`, { details: { port, host } }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve2();
    });
  });
  server.unref();
  let closing;
  return {
    port: server.address().port,
    close: () => {
      closing ??= new Promise((resolve2) => {
        server.close(() => resolve2());
        server.closeAllConnections();
      });
      return closing;
    }
  };
}
async function handle(req, res, endpoints) {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end("method not allowed\n");
    return;
  }
  switch (path) {
    case "/metrics": {
      const { contentType, body } = await endpoints.metrics();
      res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? void 0 : body);
      return;
    }
    case "/healthz":
      return probe2(req, res, endpoints.health());
    case "/readyz":
      return probe2(req, res, endpoints.readiness());
    case "/":
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end(req.method === "HEAD" ? void 0 : "sluice: /metrics (Prometheus), /healthz (alive, not failed), /readyz (restored and consuming)\n");
      return;
    default:
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found: try /metrics, /healthz or /readyz\n");
  }
}
function probe2(req, res, result) {
  res.writeHead(result.ok ? 200 : 503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? void 0 : `${result.ok ? "ok" : "not ok"}: ${result.detail}
`);
}

// dist/src/telemetry/kafka-lag.js
var LAG_POLL_MS = 5e3;
var KafkaLagWatcher = class {
  topic;
  groupId;
  metrics;
  logger;
  processed = /* @__PURE__ */ new Map();
  high = /* @__PURE__ */ new Map();
  committed = /* @__PURE__ */ new Map();
  low = /* @__PURE__ */ new Map();
  admin;
  timer;
  polling = false;
  connected = false;
  lastError = "";
  closed = false;
  constructor(topic, groupId, metrics, logger) {
    this.topic = topic;
    this.groupId = groupId;
    this.metrics = metrics;
    this.logger = logger;
  }
  /**
   * Poll the cluster every `intervalMs` (an admin connection of its own), the first time once the
   * start is over: the start checks the input topic first, and a poll of a missing topic would put
   * kafkajs's metadata error in the log ahead of sluice's KAFKA_TOPIC_MISSING. Until then the
   * batches' high watermarks keep the gauges.
   */
  start(kafka, intervalMs = LAG_POLL_MS) {
    if (this.timer || this.closed)
      return;
    this.admin = kafka.admin();
    const poll = () => {
      if (this.polling)
        return;
      this.polling = true;
      this.poll().finally(() => this.polling = false);
    };
    this.timer = setInterval(poll, intervalMs);
    this.timer.unref();
  }
  /** A batch was processed up to `lastOffset`; `highWatermark` as the broker reported with it. */
  noteBatch(partition, lastOffset, highWatermark) {
    this.processed.set(partition, lastOffset);
    if (highWatermark !== void 0 && Number.isFinite(highWatermark)) {
      this.high.set(partition, Math.max(highWatermark, this.high.get(partition) ?? 0));
    }
    this.update(partition);
  }
  async poll() {
    const admin = this.admin;
    if (!admin || this.closed)
      return;
    try {
      if (!this.connected) {
        await admin.connect();
        this.connected = true;
      }
      const offsets = await admin.fetchTopicOffsets(this.topic);
      for (const o of offsets) {
        this.high.set(o.partition, Number(o.high));
        this.low.set(o.partition, Number(o.low));
      }
      const [group] = await admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
      for (const p of group?.partitions ?? []) {
        const committed = Number(p.offset);
        if (committed >= 0)
          this.committed.set(p.partition, committed);
      }
      for (const partition of this.high.keys())
        this.update(partition);
      this.lastError = "";
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.connected = false;
      await admin.disconnect().catch(() => void 0);
      if (message !== this.lastError)
        this.logger.warn({ reason: message }, "consumer lag poll failed; lag gauges may be stale");
      this.lastError = message;
    }
  }
  update(partition) {
    const high = this.high.get(partition);
    const processed = this.processed.get(partition);
    const labels = { topic: this.topic, partition: String(partition) };
    if (processed !== void 0)
      this.metrics.processedOffset.set(labels, processed);
    if (high === void 0)
      return;
    this.metrics.highWatermark.set(labels, high);
    const next = processed !== void 0 ? processed + 1 : this.committed.get(partition) ?? this.low.get(partition);
    if (next !== void 0)
      this.metrics.consumerLag.set(labels, Math.max(0, high - next));
  }
  async close() {
    this.closed = true;
    if (this.timer)
      clearInterval(this.timer);
    this.timer = void 0;
    await this.admin?.disconnect().catch(() => void 0);
    this.admin = void 0;
  }
};

// dist/src/telemetry/pipeline-hooks.js
var IMMEDIATE = { run: (handOver) => handOver() };
var NO_PIPELINE_TELEMETRY = {
  parse: (_batch, parse) => parse(),
  counted: () => void 0,
  fired: () => IMMEDIATE
};
var IMMEDIATE_SCOPE = IMMEDIATE;

// dist/src/telemetry/daemon-telemetry.js
var BusyClock = class {
  onBusy;
  pending = 0;
  since = 0;
  constructor(onBusy) {
    this.onBusy = onBusy;
  }
  enter() {
    if (this.pending++ === 0)
      this.since = performance2.now();
  }
  exit() {
    if (--this.pending === 0)
      this.onBusy((performance2.now() - this.since) / 1e3);
  }
};
var DaemonTelemetry = class {
  metrics;
  pipeline;
  options;
  now;
  startedAt;
  assigned = /* @__PURE__ */ new Set();
  sinkStats = [];
  busy;
  windowIndex = new WindowTraceIndex();
  server;
  lag;
  lastCheckpointAt;
  job;
  /** Totals of the jobs that ran before the current one (counters never go back). */
  base = { recordsIn: 0, eventsCounted: 0, redelivered: 0, resultsOut: 0 };
  lastStats;
  /** Set while the supervisor waits to restart a failed job. */
  restarting;
  constructor(options) {
    this.options = options;
    this.job = options;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.metrics = new SluiceMetrics({
      defaultMetrics: options.defaultMetrics ?? true,
      ...options.version ? { version: options.version } : {}
    });
    this.busy = new BusyClock((s) => this.metrics.backpressure.inc(s));
    this.metrics.onCollect(() => this.refresh());
    if (!options.config.kafka)
      this.metrics.registry.removeSingleMetric(METRIC_NAMES.checkpointAge);
    this.pipeline = {
      parse: (batch, parse) => this.parse(batch, parse),
      counted: (trace2, key, windowStart) => this.counted(trace2, key, windowStart),
      fired: (fired, watermark) => this.fired(fired, watermark)
    };
  }
  /** Serve the endpoint (when SLUICE_METRICS_PORT is not 0). Call first: probes answer while restoring. */
  async start() {
    const port = this.options.config.metricsPort;
    if (port === 0 || this.server)
      return;
    this.server = await startOpsServer(port, {
      metrics: async () => ({ contentType: this.metrics.contentType, body: await this.metrics.exposition() }),
      health: () => this.health(),
      readiness: () => this.readiness()
    });
    this.options.logger.info({ url: `http://127.0.0.1:${this.server.port}/metrics` }, "serving /metrics, /healthz, /readyz");
  }
  /** The port the endpoint listens on (undefined when off). */
  get port() {
    return this.server?.port;
  }
  /** A new start of the job: its totals add to the previous ones'; its parts register anew. */
  attach(job) {
    const last = this.job.stats() ?? this.lastStats;
    if (last && this.job !== job) {
      this.base.recordsIn += last.recordsIn;
      this.base.eventsCounted += last.eventsCounted;
      this.base.redelivered += last.redelivered;
      this.base.resultsOut += last.resultsOut;
    }
    this.lastStats = void 0;
    this.job = job;
    this.restarting = void 0;
    this.assigned.clear();
    this.sinkStats.length = 0;
  }
  /** The job failed and the supervisor restarts it in `delayMs`: the probes say so meanwhile. */
  jobRestarting(cause, delayMs) {
    const code = cause?.code;
    this.lastStats = this.job.stats() ?? this.lastStats;
    this.restarting = {
      code: typeof code === "string" ? code : "INTERNAL",
      message: cause?.message ?? String(cause),
      at: this.now(),
      delayMs
    };
  }
  health() {
    const restarting = this.restarting;
    if (restarting) {
      const left = Math.max(0, restarting.at + restarting.delayMs - this.now());
      return {
        ok: false,
        detail: `the job failed (${restarting.code}: ${restarting.message}); restarting it from its last checkpoint in ${left} ms`
      };
    }
    const state = this.job.state();
    if (state === "failed")
      return { ok: false, detail: "failed: the job stopped on a failure (see the logs)" };
    return { ok: true, detail: `alive, ${state}` };
  }
  readiness() {
    if (this.restarting)
      return { ok: false, detail: `restarting the job after ${this.restarting.code}` };
    const state = this.job.state();
    const kafka = this.options.config.kafka;
    switch (state) {
      case "created":
      case "starting":
        return { ok: false, detail: `${state}: connecting and restoring from the last commit` };
      case "running": {
        const source = this.job.source?.();
        if (source && source.state !== "consuming") {
          return {
            ok: false,
            detail: `running, the Kafka consumer is ${source.state} (since ${new Date(source.since).toISOString()}${source.lastError ? `: ${source.lastError}` : ""})`
          };
        }
        if (this.assigned.size === 0) {
          return {
            ok: false,
            detail: kafka ? `running, but no partitions assigned yet (joining consumer group "${kafka.groupId}")` : "running, the generator has not started"
          };
        }
        return {
          ok: true,
          detail: kafka ? `consuming ${this.assigned.size} partition(s) of ${kafka.topic} as group "${kafka.groupId}"` : `the built-in generator is running (${this.assigned.size} partitions)`
        };
      }
      default:
        return { ok: false, detail: state };
    }
  }
  /** Watch per-partition consumer lag of the input topic (only useful with the endpoint on). */
  watchKafka(kafka) {
    const settings = this.options.config.kafka;
    if (!settings || this.lag)
      return;
    this.lag = new KafkaLagWatcher(settings.topic, settings.groupId, this.metrics, this.options.logger.child({ component: "consumer-lag" }));
    if (this.options.config.metricsPort !== 0)
      this.lag.start(kafka);
  }
  // -------------------------------------------------------------------------------------------
  // instrumentation around the daemon's parts
  /** Readiness from the source's assignments. */
  instrumentControl(control) {
    return {
      ...control,
      onAssign: (partitions) => {
        this.assigned.clear();
        for (const p of partitions)
          this.assigned.add(p);
        control.onAssign(partitions);
      },
      onRevoke: (partitions) => {
        for (const p of partitions)
          this.assigned.delete(p);
        control.onRevoke(partitions);
      }
    };
  }
  /** One batch through the pipeline: its span (linked to the producer's trace), duration and lag. */
  async timeBatch(batch, process2) {
    const t0 = performance2.now();
    const traced = startBatchSpan(batch);
    try {
      if (traced)
        await context.with(traced.context, process2);
      else
        await process2();
    } finally {
      traced?.span.end();
      this.metrics.batchDuration.observe((performance2.now() - t0) / 1e3);
      this.noteBatch(batch);
    }
  }
  /** Counts, write waits (backpressure) and buffer statistics of a result sink. */
  instrumentSink(sink) {
    const name = sink.name;
    const withStats = sink;
    if (typeof withStats.stats === "function")
      this.sinkStats.push({ name, stats: () => withStats.stats.call(sink) });
    const labels = { sink: name };
    return {
      name,
      start: () => sink.start(),
      flush: () => sink.flush(),
      close: () => sink.close(),
      write: async (results, epoch) => {
        this.metrics.sinkResults.inc(labels, results.length);
        const t0 = performance2.now();
        this.busy.enter();
        try {
          await sink.write(results, epoch);
        } finally {
          this.busy.exit();
          this.metrics.sinkWriteWait.inc(labels, (performance2.now() - t0) / 1e3);
        }
      },
      // The wrapped sink's own statistics stay reachable.
      ...typeof withStats.stats === "function" ? { stats: () => withStats.stats.call(sink) } : {}
    };
  }
  /** Dead letters by code, late events, and the wait when too many sends are in flight. */
  instrumentDeadLetters(sink) {
    const labels = { sink: "dead-letters" };
    return {
      name: sink.name,
      start: () => sink.start(),
      flush: () => sink.flush(),
      close: () => sink.close(),
      send: async (letters) => {
        this.countLetters(letters);
        this.metrics.sinkResults.inc(labels, letters.length);
        const t0 = performance2.now();
        this.busy.enter();
        try {
          await sink.send(letters);
        } finally {
          this.busy.exit();
          this.metrics.sinkWriteWait.inc(labels, (performance2.now() - t0) / 1e3);
        }
      }
    };
  }
  /**
   * The `checkpoint` span of barrier checkpoint `id`, from its trigger to its end; its steps (flush
   * sinks, persist, commit side outputs and offsets) run as children, from whichever callback performs them.
   */
  checkpointTrace(id) {
    const span = startSpan("checkpoint", { attributes: { "sluice.checkpoint.id": id } });
    if (!span)
      return { step: (_name, fn) => fn(), end: () => {
      } };
    const ctx = trace.setSpan(context.active(), span);
    return {
      step: (name, fn) => context.with(ctx, () => inSpanAsync(name, {}, () => fn())),
      end: (err) => {
        if (err !== void 0)
          markError(span, err);
        span.end();
      }
    };
  }
  /** A barrier checkpoint completed (from the coordinator): duration from trigger to recorded, size. */
  checkpointCompleted(durationMs, sizeBytes) {
    this.metrics.checkpointDuration.observe(durationMs / 1e3);
    this.metrics.checkpointSize.set(sizeBytes);
    this.metrics.checkpointsCompleted.inc();
    this.lastCheckpointAt = this.now();
    this.metrics.checkpointLastCompleted.set(this.lastCheckpointAt / 1e3);
  }
  /** A barrier checkpoint failed; `code` is its CheckpointFailureReason. */
  checkpointFailed(code) {
    this.metrics.checkpointFailures.inc({ code });
  }
  /** The supervisor restarted the job (sluice_worker_restarts_total: restarts of the whole job, after a worker or any other failure). */
  workerRestarted() {
    this.metrics.workerRestarts.inc();
  }
  async close() {
    await this.lag?.close();
    await this.server?.close();
    this.server = void 0;
    this.metrics.close();
  }
  // -------------------------------------------------------------------------------------------
  // pipeline hooks
  parse(batch, parse) {
    if (!tracingEnabled())
      return parse();
    const span = startSpan("parse", { attributes: { "messaging.batch.message_count": batch.records.length } });
    try {
      const result = context.with(trace.setSpan(context.active(), span), parse);
      if (Array.isArray(result))
        span?.setAttribute("sluice.parse.invalid", result.filter((r) => r && r.ok === false).length);
      return result;
    } finally {
      span?.end();
    }
  }
  counted(trace2, key, windowStart) {
    if (tracingEnabled())
      this.windowIndex.add(trace2, key, windowStart);
  }
  fired(fired, watermark) {
    if (fired.length === 0)
      return IMMEDIATE_SCOPE;
    const t0 = performance2.now();
    this.metrics.windowsFired.inc(fired.length);
    let span;
    if (tracingEnabled()) {
      const links = new LinkSet();
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const f of fired) {
        for (const sc of this.windowIndex.take(f.key, f.window.start))
          links.add(sc);
        first = Math.min(first, f.window.start);
        last = Math.max(last, f.window.start);
      }
      const { sizeMs, allowedLatenessMs } = this.options.config.windows;
      if (Number.isFinite(watermark))
        this.windowIndex.forgetBefore(watermark - sizeMs + 2 - allowedLatenessMs);
      span = startSpan("window fire", {
        links: links.links,
        attributes: {
          "sluice.windows.fired": fired.length,
          "sluice.window.start.first": first,
          "sluice.window.start.last": last,
          ...Number.isFinite(watermark) ? { "sluice.watermark": watermark } : { "sluice.watermark.final": true },
          ...links.dropped > 0 ? { "sluice.links.dropped": links.dropped } : {}
        }
      });
    }
    return {
      run: async (handOver) => {
        try {
          return span ? await context.with(trace.setSpan(context.active(), span), handOver) : await handOver();
        } finally {
          span?.end();
          const seconds = (performance2.now() - t0) / 1e3;
          for (let i = 0; i < fired.length; i++)
            this.metrics.windowFireLatency.observe(seconds);
        }
      }
    };
  }
  // -------------------------------------------------------------------------------------------
  noteBatch(batch) {
    const last = batch.records[batch.records.length - 1];
    if (!last || !this.lag)
      return;
    const high = batch.highWatermark === void 0 ? void 0 : Number(batch.highWatermark);
    this.lag.noteBatch(batch.partition, Number(last.offset), high);
  }
  countLetters(letters) {
    let late = 0;
    const byCode = /* @__PURE__ */ new Map();
    for (const l of letters) {
      if (l.code === "LATE_EVENT")
        late++;
      else
        byCode.set(l.code, (byCode.get(l.code) ?? 0) + 1);
    }
    if (late > 0)
      this.metrics.lateEvents.inc(late);
    for (const [code, n3] of byCode)
      this.metrics.deadLetters.inc({ code }, n3);
  }
  /** Before each scrape: copy the pipeline's totals and the sinks' queue statistics. */
  refresh() {
    const m = this.metrics;
    const state = this.job.state();
    m.setState(state);
    m.ready.set(this.readiness().ok ? 1 : 0);
    const stats = this.job.stats() ?? this.lastStats;
    if (stats) {
      const b = this.base;
      m.setTotal(m.recordsIn, b.recordsIn + stats.recordsIn);
      m.setTotal(m.eventsCounted, b.eventsCounted + stats.eventsCounted);
      m.setTotal(m.redelivered, b.redelivered + stats.redelivered);
      m.setTotal(m.resultsOut, b.resultsOut + stats.resultsOut);
      m.openWindows.set(stats.openWindows);
      const wm = stats.watermark;
      if (Number.isFinite(wm)) {
        m.watermark.set(wm / 1e3);
        m.watermarkLag.set((this.now() - wm) / 1e3);
      } else {
        m.watermark.set(Number.NaN);
        m.watermarkLag.set(Number.NaN);
      }
    }
    for (const s of this.sinkStats) {
      const q = s.stats();
      const labels = { sink: s.name };
      m.sinkBuffered.set(labels, q.buffered);
      m.sinkInFlight.set(labels, q.inFlight);
      m.setTotal(m.sinkAcknowledged, q.acknowledged, labels);
      m.setTotal(m.sinkRetries, q.retries, labels);
      if (q.capacity !== void 0 && q.capacity > 0) {
        m.sinkCapacity.set(labels, q.capacity);
        m.sinkBufferFill.set(labels, (q.buffered + q.inFlight) / q.capacity);
      }
    }
    if (this.options.config.kafka) {
      const since = this.lastCheckpointAt ?? this.startedAt;
      m.checkpointAge.set((this.now() - since) / 1e3);
    }
  }
};

// dist/src/telemetry/status.js
var n = (x) => Math.round(x).toLocaleString("en-US");
function formatWatermark(watermark) {
  if (watermark === Number.NEGATIVE_INFINITY)
    return "none yet";
  if (watermark === Number.POSITIVE_INFINITY)
    return "end of input";
  return new Date(watermark).toISOString().replace(".000Z", "Z");
}
function formatStatus(stats, eventsPerSecond) {
  return [
    "sluice",
    `${n(stats.recordsIn)} records (${n(eventsPerSecond)}/s)`,
    `${n(stats.deadLetters)} dead letters`,
    `${n(stats.lateEvents)} late`,
    `watermark ${formatWatermark(stats.watermark)}`,
    `${n(stats.openWindows)} open windows`,
    `${n(stats.resultsOut)} results`
  ].join(" | ");
}

// dist/src/streams/sinks/aggregation-sink.js
var AggregationSink = class {
  inner;
  belongs;
  name;
  constructor(inner, aggregation, belongs) {
    this.inner = inner;
    this.belongs = belongs;
    this.name = `${inner.name}:${aggregation}`;
  }
  start() {
    return this.inner.start();
  }
  write(results, epoch) {
    const mine = results.filter(this.belongs);
    return mine.length === 0 ? Promise.resolve() : this.inner.write(mine, epoch);
  }
  flush() {
    return this.inner.flush();
  }
  close() {
    return this.inner.close();
  }
  /** The wrapped sink's buffer statistics (metrics), when it keeps any. */
  stats() {
    const inner = this.inner;
    return inner.stats?.();
  }
};

// dist/src/streams/sinks/stdout.js
var JsonLinesSink = class {
  out;
  toDocument;
  name = "stdout";
  closedPipe = false;
  /** `toDocument`: what a result prints as (the job's document), default the result itself. */
  constructor(out = process.stdout, toDocument) {
    this.out = out;
    this.toDocument = toDocument;
    out.on("error", (err) => {
      if (err.code === "EPIPE")
        this.closedPipe = true;
    });
  }
  async start() {
  }
  async write(results) {
    if (this.closedPipe || results.length === 0)
      return;
    const toDocument = this.toDocument;
    const text = results.map((r) => JSON.stringify(toDocument ? toDocument(r) : r)).join("\n") + "\n";
    if (!this.out.write(text))
      await this.drained();
  }
  async flush() {
    if (this.closedPipe || !this.out.writableNeedDrain)
      return;
    await this.drained();
  }
  async close() {
    await this.flush();
  }
  drained() {
    return new Promise((resolve2) => {
      const done = () => {
        this.out.off("drain", done);
        this.out.off("error", done);
        this.out.off("close", done);
        resolve2();
      };
      this.out.once("drain", done);
      this.out.once("error", done);
      this.out.once("close", done);
    });
  }
};

// dist/src/streams/sinks/dead-letter.js
var LoggingDeadLetterSink = class {
  logger;
  name = "logged-dead-letters";
  countsByCode = /* @__PURE__ */ new Map();
  constructor(logger) {
    this.logger = logger;
  }
  async start() {
  }
  async send(letters) {
    for (const l of letters) {
      this.countsByCode.set(l.code, (this.countsByCode.get(l.code) ?? 0) + 1);
      this.logger.debug({ topic: l.topic, code: l.code, reason: l.message, source: l.source }, "dead letter");
    }
  }
  async flush() {
  }
  async close() {
  }
};

// dist/src/streams/sources/generator.js
var GENERATOR_TOPIC = "generator";
var TICK_MS = 50;
var EVENT_TYPES = [
  ["view", 0.6],
  ["click", 0.28],
  ["add_to_cart", 0.09],
  ["purchase", 0.03]
];
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
var ClickGenerator = class {
  options;
  now;
  sleep;
  random;
  partitions;
  nextOffset;
  produced = 0;
  constructor(options, now = Date.now, sleep2 = (ms) => new Promise((r) => setTimeout(r, ms))) {
    this.options = options;
    this.now = now;
    this.sleep = sleep2;
    this.random = prng(options.seed ?? 24301);
    this.partitions = options.partitions ?? 3;
    this.nextOffset = new Array(this.partitions).fill(0);
  }
  partitionIds() {
    return Array.from({ length: this.partitions }, (_, i) => i);
  }
  /** Produce until `signal` aborts or maxEvents is reached; resolves with which of the two. */
  async run(handler, signal) {
    handler.onAssign(this.partitionIds());
    const startWall = this.now();
    const eventClockStart = startWall - 60 * 60 * 1e3;
    const { eventsPerSecond, maxEvents } = this.options;
    while (!signal.aborted) {
      const wall = this.now();
      const target = Math.floor((wall - startWall) / 1e3 * eventsPerSecond) + 1;
      let due = Math.min(target - this.produced, eventsPerSecond);
      if (maxEvents > 0)
        due = Math.min(due, maxEvents - this.produced);
      if (due > 0) {
        const eventNow = Math.min(eventClockStart + (wall - startWall) * this.options.speedup, wall);
        await this.emit(due, eventNow, wall, handler);
      }
      if (maxEvents > 0 && this.produced >= maxEvents)
        return "exhausted";
      await this.sleep(TICK_MS);
    }
    return "stopped";
  }
  async emit(count, eventNow, wall, handler) {
    const byPartition = Array.from({ length: this.partitions }, () => []);
    const badRatio = this.options.badRatio ?? 5e-3;
    const maxDelay = this.options.maxDelayMs ?? 3e3;
    for (let i = 0; i < count; i++) {
      const user = Math.floor(this.random() * this.options.users);
      const partition = user % this.partitions;
      const timestamp = Math.floor(eventNow - this.random() * maxDelay);
      const value = this.random() < badRatio ? this.badValue(user, timestamp) : this.goodValue(user, timestamp);
      const offset = this.nextOffset[partition] ?? 0;
      this.nextOffset[partition] = offset + 1;
      byPartition[partition]?.push({
        offset: String(offset),
        value: Buffer.from(value),
        key: Buffer.from(`user-${user}`),
        timestamp: String(wall)
      });
    }
    this.produced += count;
    for (let partition = 0; partition < this.partitions; partition++) {
      const records = byPartition[partition];
      if (records && records.length > 0)
        await handler.onBatch({ topic: GENERATOR_TOPIC, partition, records });
    }
  }
  goodValue(user, timestamp) {
    let pick = this.random();
    let eventType = "view";
    for (const [type, share] of EVENT_TYPES) {
      if (pick < share) {
        eventType = type;
        break;
      }
      pick -= share;
    }
    return JSON.stringify({ userId: `user-${user}`, eventType, timestamp, page: `/p/${user % 97}` });
  }
  badValue(user, timestamp) {
    switch (Math.floor(this.random() * 3)) {
      case 0:
        return `{"userId":"user-${user}","eventType":"click","timestamp":`;
      case 1:
        return JSON.stringify({ userId: null, eventType: "view", timestamp });
      default:
        return JSON.stringify({ userId: `user-${user}`, eventType: "view", timestamp: "yesterday" });
    }
  }
};

// dist/src/streams/sources/pulled-batches.js
var import_rxjs2 = __toESM(require_cjs(), 1);
var BatchStream = class {
  subscriber;
  outstanding = /* @__PURE__ */ new Set();
  /** Hot: batches pushed while nobody subscribes are dropped (the source re-reads them after a restore). */
  batches = new import_rxjs2.Observable((subscriber) => {
    this.subscriber = subscriber;
    return () => {
      this.subscriber = void 0;
      for (const release of [...this.outstanding])
        release();
    };
  });
  /** Hand over a batch; resolves once it was processed (or the stream was closed). */
  push(batch) {
    const subscriber = this.subscriber;
    if (!subscriber)
      return Promise.resolve();
    return new Promise((resolve2) => {
      const release = () => {
        this.outstanding.delete(release);
        resolve2();
      };
      this.outstanding.add(release);
      subscriber.next({ batch, done: release });
    });
  }
};

// dist/src/streams/sources/generator-connector.js
var GeneratorConnector = class {
  options;
  now;
  checkpointed = false;
  idleness = "silence";
  identity = { topic: GENERATOR_TOPIC, groupId: "" };
  sideOutputs;
  stream = new BatchStream();
  batches = this.stream.batches;
  stopGenerating = new AbortController();
  running;
  constructor(options, now, logger) {
    this.options = options;
    this.now = now;
    this.sideOutputs = new LoggingDeadLetterSink(logger.child({ component: "dead-letters" }));
  }
  async start(control) {
    const generator = new ClickGenerator(this.options, this.now);
    this.running = generator.run({ onAssign: (p) => control.onAssign(p), onRevoke: (p) => control.onRevoke(p), onBatch: (batch) => this.stream.push(batch) }, this.stopGenerating.signal).then((outcome) => {
      if (outcome === "exhausted")
        control.onEnd?.();
    }, (err) => control.onFatal(err));
  }
  stopIntake() {
    this.stopGenerating.abort();
  }
  async close() {
    this.stopGenerating.abort();
    await this.running;
  }
};

// dist/src/streams/sources/kafka-client.js
import { Kafka, logLevel as KafkaLogLevel } from "kafkajs";

// dist/src/telemetry/log-repeats.js
var DEFAULT_REPEAT_PERIOD_MS = 1e4;
var LogRepeats = class {
  periodMs;
  clock;
  maxKinds;
  /** kind -> when its period began, and the repeats held back in it. */
  periods = /* @__PURE__ */ new Map();
  constructor(periodMs = DEFAULT_REPEAT_PERIOD_MS, clock = systemClock, maxKinds = 1e3) {
    this.periodMs = periodMs;
    this.clock = clock;
    this.maxKinds = maxKinds;
  }
  /**
   * `undefined`: a repeat to hold back. Otherwise log the line, with `held` (when > 0): how many
   * lines of this kind were held back in its previous period.
   */
  admit(kind) {
    const now = this.clock.now();
    const period = this.periods.get(kind);
    if (period && now - period.since < this.periodMs) {
      period.held++;
      return void 0;
    }
    const held = period?.held ?? 0;
    this.periods.delete(kind);
    if (this.periods.size >= this.maxKinds)
      this.periods.delete(this.periods.keys().next().value);
    this.periods.set(kind, { since: now, held: 0 });
    return { held };
  }
};

// dist/src/streams/sources/kafka-client.js
var EXPECTED_KAFKAJS_WARNINGS = [
  {
    startsWith: "Limiting retries for the idempotent producer",
    why: "the side-output producer is transactional: a send that still fails after its retries aborts its transaction, so nothing is duplicated or lost"
  }
];
function expectedWarning(message) {
  return EXPECTED_KAFKAJS_WARNINGS.find((w) => message.startsWith(w.startsWith))?.why;
}
function pinoLogCreator(logger, repeats = new LogRepeats()) {
  return () => ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    const safe = {
      namespace,
      broker: extra.broker,
      clientId: extra.clientId,
      groupId: extra.groupId,
      error: extra.error,
      retryCount: extra.retryCount
    };
    if (level === KafkaLogLevel.ERROR || level === KafkaLogLevel.WARN) {
      const admitted = repeats.admit(`${level}|${namespace}|${message}|${String(extra.error)}`);
      if (!admitted)
        return;
      if (admitted.held > 0)
        safe.repeatsHeldBack = admitted.held;
    }
    switch (level) {
      case KafkaLogLevel.ERROR:
        logger.warn({ ...safe, kafkajsLevel: "error" }, `kafka: ${message}`);
        break;
      case KafkaLogLevel.WARN: {
        const why = expectedWarning(message);
        if (why)
          logger.debug({ ...safe, expected: why }, `kafka: ${message}`);
        else
          logger.warn(safe, `kafka: ${message}`);
        break;
      }
      case KafkaLogLevel.INFO:
        logger.debug(safe, `kafka: ${message}`);
        break;
      default:
        logger.trace(safe, `kafka: ${message}`);
    }
  };
}
function createKafka(settings, logger) {
  const config = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    logLevel: KafkaLogLevel.INFO,
    logCreator: pinoLogCreator(logger.child({ component: "kafkajs" })),
    // At most 2 s between connection attempts: once a broker is back after an outage it is found
    // within ~2 s (with 10 s, reading resumed 8-10 s after the broker answered, or only through the
    // stall watch's restart: docs/kafka-failures.md). 20 retries keep kafkajs's own retry window
    // near the ~35 s of the earlier 8 retries up to 10 s apart.
    retry: { retries: 20, initialRetryTime: 300, maxRetryTime: 2e3 }
  };
  if (settings.sasl) {
    const { mechanism, username, password } = settings.sasl;
    config.sasl = { mechanism, username, password };
  }
  return new Kafka(config);
}

// dist/src/state/run-history.js
import { mkdirSync as mkdirSync3, readFileSync, renameSync as renameSync2, writeFileSync } from "node:fs";
import { join as join4 } from "node:path";

// dist/src/streams/sources/kafka-source.js
import { randomBytes } from "node:crypto";
import kafkajs from "kafkajs";

// dist/src/streams/sources/read-ahead.js
var ReadAhead = class {
  /** Queued or being handled, oldest first. */
  pending = [];
  last = Promise.resolve();
  /** Batches queued or being handled. */
  get length() {
    return this.pending.length;
  }
  /**
   * Queue `handle` behind everything queued before it. It starts in a later macrotask than this
   * call; the promise settles when it did (it rejects as `handle` does; the queue goes on).
   */
  push(handle2) {
    const handled = this.last.then(nextMacrotask).then(handle2);
    const forget = () => {
      this.pending.splice(this.pending.indexOf(done), 1);
    };
    const done = handled.then(forget, forget);
    this.pending.push(done);
    this.last = done;
    return handled;
  }
  /** Resolves once at most `limit` batches are queued or being handled. */
  async atMost(limit) {
    while (this.pending.length > limit)
      await this.pending[0];
  }
};
function nextMacrotask() {
  return new Promise((resolve2) => setImmediate(resolve2));
}

// dist/src/streams/sources/stall-watch.js
function judgeStall(inputs) {
  const { logEnds, now } = inputs;
  if (!inputs.idle || !logEnds || now - logEnds.at > inputs.maxLogEndAgeMs)
    return { kind: "unknown" };
  let behind = 0;
  for (const p of inputs.assigned) {
    const ends = logEnds.ends.get(p);
    if (!ends)
      continue;
    const position = Math.max(inputs.positions.get(p) ?? ends.start, inputs.fetched.get(p) ?? ends.start);
    behind += Math.max(0, ends.end - position);
  }
  if (behind === 0)
    return { kind: "caught-up" };
  const forMs = now - inputs.lastProgressAt;
  return forMs < inputs.timeoutMs ? { kind: "behind", records: behind } : { kind: "stalled", records: behind, forMs };
}

// dist/src/streams/sources/kafka-source.js
var { ConfigResourceTypes } = kafkajs;
var HEARTBEAT_WHILE_BLOCKED_MS = 3e3;
var DEAD_LETTER_HEADER_ROOM = 64 * 1024;
var LOG_END_POLL_MS = 1e3;
var RECONNECT_MIN_MS = 250;
var RECONNECT_MAX_MS = 5e3;
var RUN_ID = randomBytes(6).toString("hex");
var consumersStarted = 0;
function logRecordDecoding(logger) {
  const status2 = fastRecordDecodingStatus();
  if (status2?.installed)
    logger.debug("kafka records decoded on numbers (kafka-record-decoding.ts)");
  else
    logger.info({ reason: status2?.reason ?? "not installed in this process" }, "kafka records decoded by kafkajs's own decoder");
}
function runGroupPrefix(groupId) {
  return `${groupId}.sluice-run.`;
}
var KafkaSource = class {
  kafka;
  settings;
  logger;
  options;
  consumer;
  admin;
  handler;
  assigned = /* @__PURE__ */ new Set();
  intakeStopped = false;
  stopping = false;
  status;
  now;
  timers = [];
  reconnecting;
  /**
   * Fetched batches handed over and not processed yet, oldest first (bounded in onBatch): the one
   * the pipeline handles now and those queued for it (they may wait on credit: not a stall).
   */
  readAhead = new ReadAhead();
  lastProgressAt = 0;
  /** partition -> where kafkajs moved past records the pipeline never sees (transaction markers). */
  fetched = /* @__PURE__ */ new Map();
  /** The last log ends seen and when; undefined while unknown. */
  logEnds;
  polling = false;
  constructor(kafka, settings, logger, options) {
    this.kafka = kafka;
    this.settings = settings;
    this.logger = logger;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.status = { state: "created", since: this.now(), reconnects: 0 };
  }
  get state() {
    return { ...this.status };
  }
  /**
   * The input topic must exist: its partition count, and which of the dead-letter and late topics
   * are missing (createSideTopics makes them).
   */
  async checkTopics(given) {
    return this.withAdmin(given, async (admin) => {
      const existing = new Set(await admin.listTopics());
      if (!existing.has(this.settings.topic)) {
        throw new SluiceError(ErrorCode.KAFKA_TOPIC_MISSING, `input topic "${this.settings.topic}" does not exist on ${this.settings.brokers.join(",")}; create it (e.g. kafka-topics --create --topic ${this.settings.topic} --partitions 6) or set SLUICE_KAFKA_TOPIC`, { details: { topic: this.settings.topic } });
      }
      const meta = await admin.fetchTopicMetadata({ topics: [this.settings.topic] });
      const partitions = meta.topics[0]?.partitions.length ?? 1;
      return { partitions, missing: [this.settings.dlqTopic, this.settings.lateTopic].filter((t) => !existing.has(t)) };
    });
  }
  /** Create the dead-letter and late topics checkTopics found missing, partitioned as the input. */
  async createSideTopics(plan, given) {
    if (plan.missing.length === 0)
      return;
    await this.withAdmin(given, async (admin) => {
      const maxBytes = await inputMaxMessageBytes(admin, this.settings.topic);
      await admin.createTopics({
        waitForLeaders: true,
        topics: plan.missing.map((topic) => ({
          topic,
          numPartitions: plan.partitions,
          ...maxBytes ? { configEntries: [{ name: "max.message.bytes", value: String(maxBytes + DEAD_LETTER_HEADER_ROOM) }] } : {}
        }))
      });
      this.logger.info({ topics: plan.missing }, "created missing dead-letter/late topics");
    });
  }
  /**
   * Refuse to run beside another daemon of the same job: a run-scoped group of this job with live
   * members that is not this process's and not one of `ownRuns` (earlier runs on this state
   * directory, which holds the lock: they are dead, their members only wait to expire).
   */
  async assertNoOtherDaemon(ownRuns, given) {
    return this.withAdmin(given, async (admin) => {
      const prefix = runGroupPrefix(this.settings.groupId);
      const mine = /* @__PURE__ */ new Set([RUN_ID, ...ownRuns]);
      const candidates = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix) && !mine.has(id.slice(prefix.length).split(".")[0] ?? ""));
      if (candidates.length === 0)
        return;
      const described = await admin.describeGroups(candidates);
      const live2 = described.groups.filter((g) => g.members.length > 0 && g.state !== "Empty" && g.state !== "Dead");
      if (live2.length === 0)
        return;
      const first = live2[0];
      throw new SluiceError(ErrorCode.KAFKA_GROUP_IN_USE, `another sluice daemon is consuming topic "${this.settings.topic}" for group "${this.settings.groupId}" (its run group "${first.groupId}" has ${first.members.length} live member(s), client "${first.members[0]?.clientId ?? "?"}" on ${first.members[0]?.clientHost ?? "?"}); two daemons would count the same records. Stop it first; if it was killed, its membership expires within the session timeout (30 s)`, { details: { runGroup: first.groupId, topic: this.settings.topic, groupId: this.settings.groupId } });
    });
  }
  /** partition -> the first offset still in the log (where a partition never read starts). */
  async logStartOffsets(given) {
    return this.withAdmin(given, async (admin) => {
      try {
        const offsets = await admin.fetchTopicOffsets(this.settings.topic);
        return new Map(offsets.map((o) => [o.partition, Number(o.low)]));
      } catch (err) {
        throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `cannot read the offsets of ${this.settings.topic}: ${err.message}`, {
          retriable: true,
          cause: err
        });
      }
    });
  }
  /** Run `use` with the given admin client, or with one of its own for the call. */
  async withAdmin(given, use) {
    if (given)
      return use(given);
    const admin = this.kafka.admin();
    try {
      await connect3(admin, this.settings);
      return await use(admin);
    } finally {
      await admin.disconnect().catch(() => void 0);
    }
  }
  /** Start consuming; resolves once the first consumer joined (or is being replaced after a failure). */
  async start(handler) {
    this.handler = handler;
    this.lastProgressAt = this.now();
    this.admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1e3 } });
    this.every(LOG_END_POLL_MS, () => this.pollLogEnds());
    if (this.options.stallTimeoutMs > 0)
      this.every(1e3, () => this.watchForStall());
    await this.startConsumer();
  }
  /**
   * Stop taking records but stay connected (a final checkpoint can still be taken). Batches fetched
   * but not handed over are dropped: they are after the positions a checkpoint records.
   */
  stopIntake() {
    this.intakeStopped = true;
    try {
      this.consumer?.pause([{ topic: this.settings.topic }]);
    } catch {
    }
  }
  async stop() {
    this.stopping = true;
    this.intakeStopped = true;
    for (const cancel of this.timers)
      cancel();
    this.timers = [];
    this.setState("stopped");
    const consumer = this.consumer;
    this.consumer = void 0;
    await Promise.allSettled([consumer?.disconnect(), this.admin?.disconnect()]);
    this.admin = void 0;
  }
  async startConsumer() {
    const n3 = consumersStarted++;
    if (n3 === 0)
      logRecordDecoding(this.logger);
    const groupId = `${runGroupPrefix(this.settings.groupId)}${RUN_ID}.${n3}`;
    this.setState(this.status.state === "created" ? "connecting" : "reconnecting");
    const partitionBytes = this.settings.fetchPartitionBytes ?? DEFAULT_FETCH_PARTITION_BYTES;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: 3e4,
      heartbeatInterval: 3e3,
      // Small fetches (docs/decisions/0013): kafkajs decodes a whole response at once, and the
      // fewer records alive at a time, the less the garbage collector copies and marks.
      maxBytesPerPartition: partitionBytes,
      maxBytes: fetchMaxBytes(partitionBytes),
      // A fetch on a caught-up partition waits at most this long: what a stop or a rejoin waits for.
      maxWaitTimeInMs: 1e3,
      // A crashed consumer is replaced by this source (a new run group, positions from the
      // pipeline), never restarted by kafkajs from a group's committed offsets.
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5e3, restartOnFailure: async () => false }
    });
    this.consumer = consumer;
    const mine = () => this.consumer === consumer && !this.stopping;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (!mine())
        return;
      this.onAssigned(consumer, new Set(event.payload.memberAssignment[this.settings.topic] ?? []), groupId);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      if (mine() && event.payload.batchSize === 0)
        this.fetched.set(event.payload.partition, Number(event.payload.lastOffset) + 1);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!mine())
        return;
      this.replace(consumer, `the consumer crashed: ${event.payload.error.message}`);
    });
    consumer.on(consumer.events.STOP, () => {
      if (mine())
        this.replace(consumer, "the consumer stopped");
    });
    try {
      await connect3(consumer, this.settings);
      await consumer.subscribe({ topics: [this.settings.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.onBatch(consumer, payload)
      });
    } catch (err) {
      if (mine())
        this.replace(consumer, err.message);
    }
  }
  onAssigned(consumer, partitions, groupId) {
    const handler = this.handler;
    const revoked = [...this.assigned].filter((p) => !partitions.has(p));
    if (revoked.length > 0)
      handler.onRevoke(revoked);
    const positions = handler.positions?.() ?? /* @__PURE__ */ new Map();
    const seeks = {};
    for (const p of partitions) {
      const next = positions.get(p);
      if (next === void 0)
        continue;
      consumer.seek({ topic: this.settings.topic, partition: p, offset: String(next) });
      seeks[String(p)] = next;
    }
    const firstJoin = this.assigned.size === 0;
    this.assigned = partitions;
    if (firstJoin || revoked.length > 0)
      handler.onAssign([...partitions]);
    this.lastProgressAt = this.now();
    this.setState("consuming");
    this.logger.info({ partitions: [...partitions].sort((a, b) => a - b), runGroup: groupId, seekTo: seeks }, "partitions assigned");
  }
  async onBatch(consumer, payload) {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (this.intakeStopped || this.consumer !== consumer || !isRunning() || isStale() || batch.messages.length === 0)
      return;
    this.lastProgressAt = this.now();
    const records = batch.messages;
    for (const m of records) {
      if (m.headers?.traceparent !== void 0) {
        const trace2 = carrierFromHeaders(m.headers);
        if (trace2)
          m.trace = trace2;
      }
    }
    const piece = { topic: batch.topic, partition: batch.partition, records, highWatermark: batch.highWatermark };
    const handled = this.handOver(consumer, piece);
    const last = batch.messages[batch.messages.length - 1];
    if (last)
      resolveOffset(last.offset);
    const limit = Math.max(1, this.assigned.size);
    if (this.readAhead.length > limit) {
      const keepAlive = setInterval(() => {
        heartbeat().catch((err) => this.logger.debug({ err }, "heartbeat while blocked failed"));
      }, HEARTBEAT_WHILE_BLOCKED_MS);
      try {
        await this.readAhead.atMost(limit);
      } finally {
        clearInterval(keepAlive);
      }
    }
    await heartbeat().catch(() => void 0);
    void handled;
  }
  /**
   * Queue a fetched batch for the pipeline, behind the batches fetched before it (so each
   * partition's records arrive in order). A batch whose consumer was replaced, whose partition was
   * revoked or that arrives after intake stopped is dropped: positions come from the pipeline, so
   * the records are fetched again where it needs them.
   */
  handOver(consumer, piece) {
    const handler = this.handler;
    return this.readAhead.push(() => {
      if (this.intakeStopped || this.consumer !== consumer || !this.assigned.has(piece.partition))
        return;
      return handler.onBatch(piece);
    }).catch((err) => {
      if (this.consumer === consumer && !this.stopping)
        this.replace(consumer, `the pipeline refused a batch: ${err.message}`);
    }).finally(() => {
      this.lastProgressAt = this.now();
    });
  }
  /** Replace a consumer that crashed or stopped: a new one in a new run group, with backoff. */
  replace(old, reason) {
    if (this.stopping || this.reconnecting)
      return;
    this.status.lastError = reason;
    this.setState("reconnecting");
    this.status.reconnects++;
    this.logger.warn({ code: ErrorCode.KAFKA_CONSUMER_RESTARTING, reason, reconnects: this.status.reconnects }, "Kafka consumer lost; starting a new one where the pipeline is");
    this.consumer = void 0;
    this.reconnecting = (async () => {
      await withTimeout(old.disconnect(), 5e3).catch(() => void 0);
      for (let attempt = 0; !this.stopping; attempt++) {
        await sleep(Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(attempt, 5)));
        if (this.stopping)
          return;
        try {
          const probe3 = this.kafka.admin({ retry: { retries: 0 } });
          try {
            await withTimeout(probe3.connect(), 5e3);
          } finally {
            void probe3.disconnect().catch(() => void 0);
          }
          break;
        } catch (err) {
          this.status.lastError = err.message;
          if (attempt % 5 === 0)
            this.logger.warn({ code: ErrorCode.KAFKA_CONSUMER_RESTARTING, attempt, err }, "Kafka still unreachable; retrying");
        }
      }
    })().finally(() => {
      this.reconnecting = void 0;
      if (!this.stopping)
        void this.startConsumer();
    });
  }
  async pollLogEnds() {
    const admin = this.admin;
    const handler = this.handler;
    if (!admin || !handler || this.polling)
      return;
    this.polling = true;
    try {
      const offsets = await withTimeout(admin.fetchTopicOffsets(this.settings.topic), 5e3);
      const ends = new Map(offsets.map((o) => [o.partition, { start: Number(o.low), end: Number(o.high) }]));
      this.logEnds = { at: this.now(), ends };
      handler.onLogEnds?.(ends, this.fetched);
    } catch (err) {
      if (this.logEnds !== void 0)
        this.logger.debug({ err }, "cannot learn where the partitions end; none counts as caught up");
      this.logEnds = void 0;
      handler.onLogEndsUnknown?.();
    } finally {
      this.polling = false;
    }
  }
  watchForStall() {
    const handler = this.handler;
    if (!handler)
      return;
    const now = this.now();
    const verdict = judgeStall({
      now,
      lastProgressAt: this.lastProgressAt,
      timeoutMs: this.options.stallTimeoutMs,
      idle: this.status.state === "consuming" && !this.intakeStopped && this.readAhead.length === 0,
      assigned: this.assigned,
      logEnds: this.logEnds,
      maxLogEndAgeMs: 5 * LOG_END_POLL_MS,
      positions: handler.positions?.() ?? /* @__PURE__ */ new Map(),
      fetched: this.fetched
    });
    if (verdict.kind === "caught-up")
      this.lastProgressAt = now;
    if (verdict.kind !== "stalled")
      return;
    this.lastProgressAt = now;
    this.options.onStalled(new SluiceError(ErrorCode.KAFKA_CONSUMER_STALLED, `the Kafka consumer fetched nothing for ${verdict.forMs} ms while ${verdict.records} record(s) wait in ${this.settings.topic} (SLUICE_KAFKA_STALL_TIMEOUT_MS=${this.options.stallTimeoutMs}); failing the job so that it restarts from its last checkpoint`, { retriable: true, details: { behind: verdict.records } }));
  }
  setState(state) {
    if (this.status.state === state)
      return;
    this.status.state = state;
    this.status.since = this.now();
  }
  every(ms, task) {
    const scheduler = this.options.scheduler ?? systemScheduler;
    const index = this.timers.length;
    const run2 = () => {
      void task();
      if (!this.stopping)
        this.timers[index] = scheduler.schedule(ms, run2);
    };
    this.timers.push(scheduler.schedule(ms, run2));
  }
};
async function inputMaxMessageBytes(admin, topic) {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["max.message.bytes"] }]
  });
  const value = described.resources[0]?.configEntries.find((e) => e.configName === "max.message.bytes")?.configValue;
  const bytes = Number(value);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : void 0;
}
async function connect3(client, settings) {
  try {
    await client.connect();
  } catch (err) {
    throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `cannot connect to Kafka at ${settings.brokers.join(",")}: ${err.message}`, {
      retriable: connectionRetriable(err),
      cause: err
    });
  }
}
function sleep(ms) {
  return new Promise((resolve2) => setTimeout(resolve2, ms));
}
function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
function connectionRetriable(err) {
  let deepest = err;
  for (let e = deepest; e; e = e.cause) {
    if (/SASL|Authentication|AUTHORIZATION/i.test(`${e.name ?? ""} ${e.message ?? ""}`))
      return false;
    deepest = e;
    if (e.cause === e)
      break;
  }
  return deepest?.retriable !== false;
}

// dist/src/state/run-history.js
var FILE = "kafka-runs.json";
var KEEP = 20;
function previousRuns(stateDir) {
  try {
    const runs = JSON.parse(readFileSync(join4(stateDir, FILE), "utf8"));
    return Array.isArray(runs) ? runs.filter((r) => typeof r === "string" && /^[0-9a-f]{1,32}$/.test(r)) : [];
  } catch {
    return [];
  }
}
function recordRun(stateDir) {
  const runs = previousRuns(stateDir).filter((r) => r !== RUN_ID);
  runs.push(RUN_ID);
  mkdirSync3(stateDir, { recursive: true });
  const path = join4(stateDir, FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(runs.slice(-KEEP)));
  renameSync2(`${path}.tmp`, path);
}

// dist/src/streams/sinks/side-outputs.js
import { Partitioners } from "kafkajs";

// dist/src/streams/sinks/sink.js
var DeadLetterHeader = {
  ERROR: "sluice-error",
  MESSAGE: "sluice-error-message",
  SOURCE_TOPIC: "sluice-source-topic",
  SOURCE_PARTITION: "sluice-source-partition",
  SOURCE_OFFSET: "sluice-source-offset"
};
function deadLetterHeaders(letter) {
  return {
    [DeadLetterHeader.ERROR]: letter.code,
    [DeadLetterHeader.MESSAGE]: letter.message,
    [DeadLetterHeader.SOURCE_TOPIC]: letter.source.topic,
    [DeadLetterHeader.SOURCE_PARTITION]: String(letter.source.partition),
    [DeadLetterHeader.SOURCE_OFFSET]: letter.source.offset
  };
}

// dist/src/streams/sinks/letter-buckets.js
var RECORD_OVERHEAD_BYTES = 64;
var LetterBuckets = class {
  sealed = [];
  open = { epoch: 0, checkpointId: void 0, letters: [], bytes: 0 };
  total = 0;
  add(letters) {
    for (const letter of letters) {
      const bucket = letter.epoch !== void 0 && this.sealed.find((b) => b.epoch === letter.epoch) || this.open;
      const size = letterBytes(letter);
      bucket.letters.push(letter);
      bucket.bytes += size;
      this.total += size;
    }
  }
  /** Barrier `checkpointId` was placed: the letters so far belong to it. */
  seal(checkpointId) {
    this.open.checkpointId = checkpointId;
    this.sealed.push(this.open);
    this.open = { epoch: this.open.epoch + 1, checkpointId: void 0, letters: [], bytes: 0 };
  }
  /** Every letter sealed up to checkpoint `checkpointId`; `release()` drops them once committed. */
  due(checkpointId) {
    const buckets = this.sealed.filter((b) => b.checkpointId <= checkpointId);
    return {
      letters: buckets.flatMap((b) => b.letters),
      release: () => {
        for (const b of buckets) {
          const at = this.sealed.indexOf(b);
          if (at < 0)
            continue;
          this.sealed.splice(at, 1);
          this.total -= b.bytes;
        }
      }
    };
  }
  get bytes() {
    return this.total;
  }
  get letters() {
    let n3 = this.open.letters.length;
    for (const b of this.sealed)
      n3 += b.letters.length;
    return n3;
  }
};
function letterBytes(letter) {
  let bytes = RECORD_OVERHEAD_BYTES + (letter.value?.length ?? 0) + (letter.key?.length ?? 0);
  for (const [name, value] of Object.entries(deadLetterHeaders(letter)))
    bytes += name.length + Buffer.byteLength(value);
  return bytes;
}

// dist/src/streams/sinks/side-outputs.js
var MAX_SEND_BYTES = 512 * 1024;
var RETRY_MIN_MS = 250;
var RETRY_MAX_MS = 5e3;
var TransactionalSideOutputs = class {
  options;
  name = "kafka-side-outputs";
  producer;
  buckets = new LetterBuckets();
  roomWaiters = [];
  fenced;
  closed = false;
  /** A checkpoint whose transaction failed with an unknown outcome (`knowable`: it carried offsets). */
  unsettled;
  constructor(options) {
    this.options = options;
  }
  /** Connect and initialise transactions: fences older producers of this job, settles their open transaction. */
  async start() {
    if (this.producer)
      return;
    const producing = fastProducingStatus();
    if (producing?.installed)
      this.options.logger.debug("side-output messages grouped and encoded the fast way (kafka-producing.ts)");
    else
      this.options.logger.info({ reason: producing?.reason ?? "not installed in this process" }, "side-output messages grouped and encoded by kafkajs's own code");
    this.producer = await this.openProducer("initialising the side-output transactions");
  }
  /**
   * A connected producer whose transactions are initialised. kafkajs initialises the producer id
   * (InitProducerId: the fencing step, which also makes Kafka complete or abort the transaction an
   * older producer of this id left open) on the first transaction; an empty one is aborted locally.
   */
  async openProducer(what) {
    const producer = this.options.kafka.producer({
      transactionalId: this.options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      // kafkajs 2's default, named so it does not warn about the 1.x one at every start.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      transactionTimeout: this.options.transactionTimeoutMs
    });
    try {
      await producer.connect();
      const init = await producer.transaction();
      await init.abort();
      return producer;
    } catch (err) {
      await producer.disconnect().catch(() => void 0);
      const failure = this.classify(err, what);
      if (failure.code === ErrorCode.KAFKA_FENCED)
        throw failure;
      throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, failure.message, { retriable: true, cause: err });
    }
  }
  /** Hold letters until their checkpoint commits. Never blocks: see `whenRoom`. */
  async send(letters) {
    if (this.fenced)
      throw this.fenced;
    this.buckets.add(letters);
    if (this.buckets.bytes >= this.options.maxBufferedBytes)
      this.options.onFull?.();
  }
  /** Resolves when the held letters are below the bound (at once, usually). */
  whenRoom() {
    if (this.buckets.bytes < this.options.maxBufferedBytes || this.closed)
      return Promise.resolve();
    return new Promise((resolve2) => this.roomWaiters.push(resolve2));
  }
  /** Barrier `checkpointId` passed: the letters so far belong to it. */
  seal(checkpointId) {
    this.buckets.seal(checkpointId);
  }
  /** Letters held now (for status and tests). */
  get held() {
    return { letters: this.buckets.letters, bytes: this.buckets.bytes };
  }
  /**
   * Checkpoint `checkpointId` is recorded: write every letter sealed up to it and the checkpoint's
   * offsets in one transaction, retrying until `deadline`. A failed attempt leaves the transaction's
   * outcome unknown (its EndTxn may have committed with the reply lost), so the next attempt (of
   * this checkpoint or a later one) first settles it: see `settle`.
   */
  async commit(checkpointId, offsets, deadline) {
    const sleep2 = this.options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      if (this.fenced)
        throw this.fenced;
      let due = this.buckets.due(checkpointId);
      try {
        if (await this.settle())
          due = this.buckets.due(checkpointId);
        if (due.letters.length > 0 || offsets.size > 0)
          await this.transact(due.letters, offsets, checkpointId);
        due.release();
        this.wakeRoomWaiters();
        return;
      } catch (err) {
        const failure = this.classify(err, `committing checkpoint ${checkpointId}'s side outputs (${due.letters.length} records) and offsets`);
        if (failure.code !== ErrorCode.KAFKA_FENCED && this.unsettled === void 0) {
          this.unsettled = { checkpointId, knowable: offsets.size > 0 };
        }
        if (failure.code === ErrorCode.KAFKA_FENCED || (this.options.clock ?? systemClock).now() >= deadline || this.closed)
          throw failure;
        const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(attempt - 1, 5));
        this.options.logger.warn({ err: failure, checkpointId, attempt, retryInMs: wait }, "side-output transaction failed; retrying");
        await sleep2(wait);
      }
    }
  }
  /**
   * After a failed attempt: kafkajs cannot go on with a transaction whose commit or abort failed (its
   * state machine stays in COMMITTING or ABORTING for good), so a new producer replaces it. Its
   * initialisation makes Kafka finish the old transaction (a commit that reached the broker
   * completes, anything else is aborted) before it returns; the group's committed checkpoint then
   * says which way it went. Returns true when it had committed: its letters are released (they are
   * in Kafka, once).
   */
  async settle() {
    const unsettled = this.unsettled;
    if (!unsettled)
      return false;
    const stale = this.producer;
    this.producer = void 0;
    await stale?.disconnect().catch(() => void 0);
    this.producer = await this.openProducer("replacing the side-output producer after a failed transaction");
    const committed = unsettled.knowable ? await this.committedCheckpointNow() : void 0;
    this.unsettled = void 0;
    if (committed === void 0 || committed < unsettled.checkpointId)
      return false;
    this.options.logger.info({ checkpointId: unsettled.checkpointId }, "the side-output transaction whose end failed had committed; not writing it again");
    this.buckets.due(unsettled.checkpointId).release();
    this.wakeRoomWaiters();
    return true;
  }
  async committedCheckpointNow() {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      return await committedCheckpoint(admin, this.options.groupId, this.options.inputTopic);
    } finally {
      await admin.disconnect().catch(() => void 0);
    }
  }
  /** Nothing to flush: letters become durable with their checkpoint's transaction. */
  async flush() {
    if (this.fenced)
      throw this.fenced;
  }
  async close() {
    this.closed = true;
    this.wakeRoomWaiters();
    const producer = this.producer;
    this.producer = void 0;
    await producer?.disconnect().catch(() => void 0);
  }
  async transact(letters, offsets, checkpointId) {
    const producer = this.producer;
    if (!producer)
      throw new SluiceError(ErrorCode.PIPELINE_STOPPED, "the side-output producer is closed");
    const tx = await producer.transaction();
    try {
      for (const chunk of chunks(letters)) {
        await tx.sendBatch({
          acks: -1,
          topicMessages: byTopic(chunk).map(([topic, list]) => ({
            topic,
            // The source record's Kafka timestamp, never the event time (time retention).
            messages: list.map((l) => ({ key: l.key, value: l.value, timestamp: l.source.timestamp, headers: deadLetterHeaders(l) }))
          }))
        });
      }
      if (offsets.size > 0) {
        const metadata = JSON.stringify({ checkpoint: checkpointId });
        await tx.sendOffsets({
          consumerGroupId: this.options.groupId,
          topics: [
            {
              topic: this.options.inputTopic,
              partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset), metadata }))
            }
          ]
        });
      }
      await tx.commit();
    } catch (err) {
      if (tx.isActive())
        await tx.abort().catch(() => void 0);
      throw err;
    }
  }
  classify(err, what) {
    if (err instanceof SluiceError)
      return err;
    if (isFenced(err)) {
      this.fenced ??= new SluiceError(ErrorCode.KAFKA_FENCED, `another sluice daemon started on this job (transactional id "${this.options.transactionalId}", group "${this.options.groupId}") and fenced this one while ${what}; this daemon stops for good. Run one daemon per job`, { retriable: false, cause: err });
      return this.fenced;
    }
    return new SluiceError(ErrorCode.DEAD_LETTER_FAILED, `${what} failed: ${err.message}`, { retriable: true, cause: err });
  }
  wakeRoomWaiters() {
    if (this.buckets.bytes >= this.options.maxBufferedBytes && !this.closed)
      return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters)
      wake();
  }
};
async function committedCheckpoint(admin, groupId, topic) {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  let newest;
  for (const p of entry?.partitions ?? []) {
    const id = checkpointOf(p.metadata);
    if (id !== void 0 && (newest === void 0 || id > newest))
      newest = id;
  }
  return newest;
}
function checkpointOf(metadata) {
  if (!metadata)
    return void 0;
  try {
    const id = JSON.parse(metadata).checkpoint;
    return Number.isSafeInteger(id) ? id : void 0;
  } catch {
    return void 0;
  }
}
function isFenced(err) {
  for (let e = err; e; e = e.cause) {
    if (e.type === "INVALID_PRODUCER_EPOCH" || e.type === "PRODUCER_FENCED" || e.code === 90 || e.code === 47)
      return true;
    if (e.cause === e)
      break;
  }
  return false;
}
function* chunks(letters) {
  let chunk = [];
  let bytes = 0;
  for (const letter of letters) {
    const size = letterBytes(letter);
    if (chunk.length > 0 && bytes + size > MAX_SEND_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(letter);
    bytes += size;
  }
  if (chunk.length > 0)
    yield chunk;
}
function byTopic(letters) {
  const map2 = /* @__PURE__ */ new Map();
  for (const letter of letters) {
    const list = map2.get(letter.topic) ?? [];
    list.push(letter);
    map2.set(letter.topic, list);
  }
  return [...map2];
}

// dist/src/streams/sources/kafka-wait.js
var MIN_WAIT_MS = 500;
var MAX_WAIT_MS = 5e3;
var STOP_POLL_MS = 100;
function stopWatch(isStopped) {
  if (!isStopped)
    return { stopped: new Promise(() => void 0), cancel: () => void 0 };
  let timer;
  const stopped = new Promise((_, reject) => {
    timer = setInterval(() => {
      if (!isStopped())
        return;
      clearInterval(timer);
      reject(new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, "stopped while waiting for Kafka to answer at start-up", {
        retriable: false
      }));
    }, STOP_POLL_MS);
  });
  stopped.catch(() => void 0);
  return { stopped, cancel: () => clearInterval(timer) };
}
async function waitForKafka(attempt, options) {
  const watch = stopWatch(options.isStopped);
  try {
    return await waitUntilAnswered(attempt, options, watch.stopped);
  } finally {
    watch.cancel();
  }
}
async function waitUntilAnswered(attempt, options, stopped) {
  const now = options.now ?? Date.now;
  const sleep2 = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const startedAt = now();
  for (let n3 = 1; ; n3++) {
    try {
      const attempting = attempt();
      attempting.catch(() => void 0);
      const result = await Promise.race([attempting, stopped]);
      if (n3 > 1)
        options.logger.info({ waitedMs: now() - startedAt, attempts: n3 }, "Kafka answers again");
      return result;
    } catch (err) {
      const unreachable = err instanceof SluiceError && err.code === ErrorCode.KAFKA_UNAVAILABLE && err.retriable;
      const waited = now() - startedAt;
      if (!unreachable || options.isStopped?.() || options.timeoutMs > 0 && waited >= options.timeoutMs) {
        if (unreachable && options.timeoutMs > 0) {
          throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `${err.message} (waited ${waited} ms: SLUICE_KAFKA_STARTUP_TIMEOUT_MS=${options.timeoutMs})`, {
            retriable: true,
            cause: err
          });
        }
        throw err;
      }
      const wait = Math.min(MAX_WAIT_MS, MIN_WAIT_MS * 2 ** Math.min(n3 - 1, 4));
      options.logger.warn({ code: ErrorCode.KAFKA_UNAVAILABLE, attempt: n3, waitedMs: waited, retryInMs: wait, reason: err.message }, "Kafka is unreachable; waiting for it");
      await Promise.race([sleep2(wait), stopped]);
    }
  }
}

// dist/src/streams/sources/kafka-connector.js
var KafkaConnector = class {
  options;
  checkpointed = true;
  idleness = "caught-up";
  identity;
  sideOutputs;
  stream = new BatchStream();
  batches = this.stream.batches;
  source;
  control;
  constructor(options) {
    this.options = options;
    const { settings, kafka, logger, checkpoint } = options;
    this.identity = { topic: settings.topic, groupId: settings.groupId };
    this.source = new KafkaSource(kafka, settings, logger.child({ component: "kafka-source" }), {
      stallTimeoutMs: settings.stallTimeoutMs ?? 3e4,
      onStalled: (err) => this.control?.onFatal(err)
    });
    this.sideOutputs = new TransactionalSideOutputs({
      kafka,
      transactionalId: `sluice.${settings.groupId}.side-outputs`,
      groupId: settings.groupId,
      inputTopic: settings.topic,
      maxBufferedBytes: settings.sideOutputBufferBytes ?? 64 * 1024 * 1024,
      // Open from a checkpoint's first side output to its commit; the broker caps it (15 min by default).
      transactionTimeoutMs: Math.min(9e5, Math.max(6e4, 2 * checkpoint.intervalMs + checkpoint.timeoutMs)),
      logger: logger.child({ component: "side-outputs" }),
      onFull: options.requestCheckpoint
    });
  }
  async open() {
    const { settings, logger, stateDir, kafka } = this.options;
    return waitForKafka(async () => {
      const admin = kafka.admin();
      try {
        await connectAdmin(admin, settings.brokers);
        const [topics] = await Promise.all([
          this.source.checkTopics(admin),
          this.source.assertNoOtherDaemon(previousRuns(stateDir), admin)
        ]);
        recordRun(stateDir);
        const [, opening] = await Promise.all([
          this.source.createSideTopics(topics, admin),
          // Fences any older producer of this job and settles the transaction it left open: from
          // here on, the committed checkpoint read below is final.
          this.sideOutputs.start().then(() => Promise.all([this.readCommittedCheckpoint(admin), this.source.logStartOffsets(admin)]))
        ]);
        const [committed, logStarts] = opening;
        return { committed, logStarts };
      } catch (err) {
        if (err instanceof SluiceError)
          throw err;
        throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `Kafka is not ready: ${err.message}`, {
          retriable: connectionRetriable(err),
          cause: err
        });
      } finally {
        await admin.disconnect().catch(() => void 0);
      }
    }, { timeoutMs: settings.startupTimeoutMs ?? 3e5, logger, isStopped: this.options.isStopped });
  }
  async start(control) {
    this.control = control;
    await this.source.start({
      positions: () => control.positions(),
      onAssign: (partitions) => control.onAssign(partitions),
      onRevoke: (partitions) => control.onRevoke(partitions),
      onLogEnds: (ends, fetched) => control.onLogEnds?.(ends, fetched),
      onLogEndsUnknown: () => control.onLogEndsUnknown?.(),
      // Before the main loop (so the barrier that empties the buffer can still be placed): a full
      // side-output buffer holds the next batch back, and kafkajs keeps it until there is room.
      onBatch: async (batch) => {
        await this.sideOutputs.whenRoom();
        await this.stream.push(batch);
      }
    });
  }
  stopIntake() {
    this.source.stopIntake();
  }
  async close() {
    await Promise.allSettled([this.source.stop(), this.sideOutputs.close()]);
  }
  status() {
    return this.source.state;
  }
  async readCommittedCheckpoint(admin) {
    const { settings } = this.options;
    try {
      return await committedCheckpoint(admin, settings.groupId, settings.topic);
    } catch (err) {
      throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `cannot read the committed checkpoint of group "${settings.groupId}": ${err.message}`, {
        retriable: true,
        cause: err
      });
    }
  }
};
async function connectAdmin(admin, brokers) {
  try {
    await admin.connect();
  } catch (err) {
    throw new SluiceError(ErrorCode.KAFKA_UNAVAILABLE, `cannot connect to Kafka at ${brokers.join(",")}: ${err.message}`, {
      retriable: connectionRetriable(err),
      cause: err
    });
  }
}

// dist/src/streams/runtime/assemble.js
function sourceFromConfig(config, clock, logger, hooks) {
  if (!config.kafka)
    return new GeneratorConnector(config.generator, () => clock.now(), logger);
  const kafka = createKafka(config.kafka, logger);
  hooks.watchKafka?.(kafka);
  return new KafkaConnector({
    kafka,
    settings: config.kafka,
    stateDir: config.state.dir,
    checkpoint: config.checkpoint,
    logger,
    requestCheckpoint: hooks.requestCheckpoint,
    isStopped: hooks.isStopped
  });
}
function preloadSinks(config) {
  return Promise.all([
    config.elasticsearch ? import("./elasticsearch-ZOWKONZZ.js") : void 0,
    config.redis ? import("./redis-6FV3AQIH.js") : void 0
  ]);
}
async function sinksFromConfig(config, job, deadLetters, resultsOut, logger) {
  if (job.aggregations && job.aggregationOf)
    return aggregationSinks(config, job, deadLetters, resultsOut, logger);
  const sinks = await storeSinks(config, job, deadLetters, logger);
  const outputs = job.outputs ?? { elasticsearch: true, redis: true, stdout: false };
  if (sinks.length === 0 || outputs.stdout)
    sinks.push(new JsonLinesSink(resultsOut, job.toDocument?.bind(job)));
  return sinks;
}
async function storeSinks(config, job, deadLetters, logger) {
  const sinks = [];
  const outputs = job.outputs ?? { elasticsearch: true, redis: true, stdout: false };
  if (config.elasticsearch && outputs.elasticsearch) {
    const { ElasticsearchSink } = await import("./elasticsearch-ZOWKONZZ.js");
    sinks.push(new ElasticsearchSink({
      config: config.elasticsearch,
      job,
      deadLetters,
      deadLetterTopic: config.topics.dlq,
      logger: logger.child({ component: "elasticsearch-sink" })
    }));
  }
  if (config.redis && outputs.redis) {
    const { RedisSink } = await import("./redis-6FV3AQIH.js");
    sinks.push(new RedisSink({ config: config.redis, job, logger: logger.child({ component: "redis-sink" }) }));
  }
  if (job.outputs?.elasticsearch && !config.elasticsearch)
    logger.warn({ job: job.name }, "the job writes to Elasticsearch, and SLUICE_ES_NODE is not set: its results are not written there");
  if (job.outputs?.redis && !config.redis)
    logger.warn({ job: job.name }, "the job writes to Redis, and SLUICE_REDIS_URL is not set: its results are not written there");
  return sinks;
}
async function aggregationSinks(config, job, deadLetters, resultsOut, logger) {
  const aggregations = job.aggregations ?? [];
  const aggregationOf = job.aggregationOf.result;
  const sinks = [];
  const printed = /* @__PURE__ */ new Set();
  for (const [a, { results, targets, name }] of aggregations.entries()) {
    const own = { ...job, ...results, name: `${job.name}/${name}` };
    const ownConfig = {
      ...config,
      elasticsearch: config.elasticsearch && { ...config.elasticsearch, index: targets.elasticsearchIndex ?? config.elasticsearch.index },
      redis: config.redis && {
        ...config.redis,
        keyPrefix: targets.redisKeyPrefix ?? config.redis.keyPrefix,
        ttlSeconds: targets.redisTtlSeconds ?? config.redis.ttlSeconds
      }
    };
    for (const inner of await storeSinks(ownConfig, own, deadLetters, logger.child({ aggregation: name })))
      sinks.push(new AggregationSink(inner, name, (r) => aggregationOf(r) === a));
    if (results.outputs.stdout)
      printed.add(a);
  }
  if (sinks.length === 0)
    aggregations.forEach((_, a) => printed.add(a));
  if (printed.size > 0) {
    const toDocument = job.toDocument?.bind(job);
    const stdout = new JsonLinesSink(resultsOut, toDocument);
    sinks.push(printed.size === aggregations.length ? stdout : new AggregationSink(stdout, [...printed].map((a) => aggregations[a]?.name).join("+"), (r) => printed.has(aggregationOf(r))));
  }
  return sinks;
}

// dist/src/streams/runtime/lifecycle.js
var TRANSITIONS = {
  created: ["starting"],
  starting: ["running", "stopping", "failed"],
  running: ["stopping", "failed"],
  stopping: ["stopped", "failed"],
  stopped: [],
  failed: []
};
var Lifecycle = class {
  current = "created";
  get state() {
    return this.current;
  }
  /** One of these states now? */
  is(...states) {
    return states.includes(this.current);
  }
  /** Whether the table allows `next` from here. */
  can(next) {
    return TRANSITIONS[this.current].includes(next);
  }
  to(next) {
    if (!this.can(next))
      throw new SluiceError(ErrorCode.INTERNAL, `the job cannot go from ${this.current} to ${next}`);
    this.current = next;
  }
};

// dist/src/streams/runtime/main-loop.js
var import_rxjs3 = __toESM(require_cjs(), 1);
var MainLoop = class {
  options;
  tasks = new import_rxjs3.Subject();
  subscription;
  tickQueued = false;
  stopped = false;
  constructor(options) {
    this.options = options;
  }
  start() {
    const { options } = this;
    const batches = options.batches.pipe((0, import_rxjs3.map)((pulled) => ({ kind: "batch", pulled })));
    const ticks = clockTicks(options.scheduler, options.tickMs).pipe(
      // One tick queued at most: the next is dropped until this one runs.
      (0, import_rxjs3.filter)(() => !this.tickQueued && (this.tickQueued = true)),
      (0, import_rxjs3.map)(() => ({ kind: "tick" }))
    );
    this.subscription = (0, import_rxjs3.merge)(batches, ticks, this.tasks).pipe((0, import_rxjs3.concatMap)((entry) => (0, import_rxjs3.from)(this.runEntry(entry)))).subscribe({ error: (err) => options.onError(err) });
  }
  /** Run `task` in turn with the batches and ticks; resolves or rejects with its outcome. */
  run(task) {
    if (this.stopped)
      return Promise.reject(new Error("the main loop has stopped"));
    return new Promise((resolve2, reject) => {
      this.tasks.next({
        kind: "task",
        task,
        settle: (outcome) => outcome.status === "fulfilled" ? resolve2(outcome.value) : reject(outcome.reason)
      });
    });
  }
  /** Resolves once everything queued before it ran. */
  idle() {
    return this.run(async () => void 0);
  }
  /** Stop taking entries; a batch waiting for its credit is released (the source re-reads it after a restore). */
  stop() {
    this.stopped = true;
    this.subscription?.unsubscribe();
    this.subscription = void 0;
  }
  async runEntry(entry) {
    switch (entry.kind) {
      case "batch":
        try {
          await this.options.onBatch(entry.pulled);
        } catch (err) {
          this.options.onError(err);
        } finally {
          entry.pulled.done();
        }
        return;
      case "tick":
        this.tickQueued = false;
        try {
          await this.options.onTick();
        } catch (err) {
          this.options.onError(err);
        }
        return;
      case "task":
        try {
          entry.settle({ status: "fulfilled", value: await entry.task() });
        } catch (err) {
          entry.settle({ status: "rejected", reason: err });
        }
        return;
    }
  }
};
function clockTicks(scheduler, everyMs) {
  return new import_rxjs3.Observable((subscriber) => {
    let cancel = () => {
    };
    const next = () => {
      cancel = scheduler.schedule(everyMs, () => {
        subscriber.next();
        next();
      });
    };
    next();
    return () => cancel();
  });
}

// dist/src/streams/operators/watermarks.js
var NO_WATERMARK = Number.NEGATIVE_INFINITY;
var DEFAULT_LOG_END_FRESHNESS_MS = 1e4;
var PartitionWatermarks = class {
  options;
  partitions = /* @__PURE__ */ new Map();
  combined = NO_WATERMARK;
  /** The idleness clock: wall time minus the time spent paused (nested pauses count once). */
  pausedDepth = 0;
  pausedSinceMs = 0;
  pausedTotalMs = 0;
  constructor(options) {
    this.options = options;
  }
  /** Partitions this source reads. A partition with no event yet holds the watermark back until idle. */
  assign(partitions, nowMs) {
    for (const p of partitions) {
      if (!this.partitions.has(p))
        this.partitions.set(p, newClock(NO_WATERMARK, this.idleClock(nowMs)));
    }
  }
  /** Partitions no longer read by this source (a rebalance took them away). */
  revoke(partitions) {
    for (const p of partitions)
      this.partitions.delete(p);
  }
  observe(partition, eventTimestamp, nowMs) {
    const at = this.idleClock(nowMs);
    let clock = this.partitions.get(partition);
    if (!clock) {
      clock = newClock(NO_WATERMARK, at);
      this.partitions.set(partition, clock);
    }
    if (eventTimestamp > clock.maxTimestamp)
      clock.maxTimestamp = eventTimestamp;
    clock.lastEventAtMs = at;
  }
  /**
   * What the source knows of a partition's log at `nowMs`: `position` is the next offset it will
   * read, `logEnd` the offset after the last readable record. Caught up when position >= logEnd.
   */
  observeLogEnd(partition, position, logEnd, nowMs) {
    const clock = this.partitions.get(partition);
    if (!clock)
      return;
    clock.logEndSeenAtMs = nowMs;
    if (position < logEnd)
      clock.caughtUpSinceMs = void 0;
    else
      clock.caughtUpSinceMs ??= nowMs;
  }
  /** The source could not learn where the logs end (broker down, request failed): nothing is caught up. */
  logEndUnknown() {
    for (const clock of this.partitions.values())
      clock.caughtUpSinceMs = void 0;
  }
  /** The pipeline is blocked downstream (a sink): from now on, time does not count towards idleness. */
  pauseIdleness(nowMs) {
    if (this.pausedDepth++ === 0)
      this.pausedSinceMs = nowMs;
  }
  /** The pipeline can take records again: idleness time runs again. */
  resumeIdleness(nowMs) {
    if (this.pausedDepth === 0)
      return;
    if (--this.pausedDepth === 0)
      this.pausedTotalMs += Math.max(0, nowMs - this.pausedSinceMs);
  }
  /** The watermark of one partition (its own view, ignoring the others). */
  partitionWatermark(partition) {
    const clock = this.partitions.get(partition);
    return clock ? this.fromMax(clock.maxTimestamp) : NO_WATERMARK;
  }
  isIdle(partition, nowMs) {
    const clock = this.partitions.get(partition);
    const timeout = this.options.idleTimeoutMs;
    if (!clock || timeout <= 0)
      return false;
    if (this.idleClock(nowMs) - clock.lastEventAtMs < timeout)
      return false;
    if (this.options.idleness !== "caught-up")
      return true;
    const freshness = this.options.logEndFreshnessMs ?? DEFAULT_LOG_END_FRESHNESS_MS;
    return clock.caughtUpSinceMs !== void 0 && nowMs - clock.caughtUpSinceMs >= timeout && nowMs - clock.logEndSeenAtMs <= freshness;
  }
  /**
   * The combined watermark at `nowMs`: the minimum over active partitions, never lower than before.
   * When every partition is idle the watermark holds where it is (as Flink does).
   */
  current(nowMs) {
    let min = Number.POSITIVE_INFINITY;
    let active = 0;
    for (const [p, clock] of this.partitions) {
      if (this.isIdle(p, nowMs))
        continue;
      active++;
      const wm = this.fromMax(clock.maxTimestamp);
      if (wm < min)
        min = wm;
    }
    if (active > 0 && min > this.combined)
      this.combined = min;
    return this.combined;
  }
  /** partition -> max event time seen (NO_WATERMARK: none yet): what a checkpoint records. */
  clocks() {
    return new Map([...this.partitions].map(([p, clock]) => [p, clock.maxTimestamp]));
  }
  /**
   * Back to a checkpoint's clocks: each partition's max event time, idle timers starting at `nowMs`
   * (wall-clock time while the daemon was down does not count), and the combined watermark.
   */
  restore(clocks, combined, nowMs) {
    this.partitions.clear();
    for (const [p, maxTimestamp] of clocks)
      this.partitions.set(p, newClock(maxTimestamp, nowMs));
    this.combined = combined;
  }
  /** The last combined watermark computed, without recomputing. */
  get last() {
    return this.combined;
  }
  idleClock(nowMs) {
    const pausedNow = this.pausedDepth > 0 ? Math.max(0, nowMs - this.pausedSinceMs) : 0;
    return nowMs - this.pausedTotalMs - pausedNow;
  }
  fromMax(maxTimestamp) {
    return maxTimestamp === NO_WATERMARK ? NO_WATERMARK : maxTimestamp - this.options.outOfOrdernessMs - 1;
  }
};
function newClock(maxTimestamp, lastEventAtMs) {
  return { maxTimestamp, lastEventAtMs, caughtUpSinceMs: void 0, logEndSeenAtMs: Number.NEGATIVE_INFINITY };
}

// dist/src/streams/runtime/pipeline.js
var WindowPipeline = class {
  options;
  watermarks;
  stage;
  /** The watermark the keyed stage was last advanced to. */
  stageWatermark = NO_WATERMARK;
  /** partition -> the next offset to read: what a checkpoint's placement records. */
  positions = /* @__PURE__ */ new Map();
  telemetry;
  counters = { recordsIn: 0, eventsCounted: 0, filtered: 0, deadLetters: 0, lateEvents: 0, redelivered: 0, resultsOut: 0 };
  assigner;
  /**
   * Who counts each event: the job's windows, or each of its aggregations' (a job with several:
   * the event each one counts, its windows, its lateness, its name for late letters).
   */
  lanes;
  /** Some lane has session windows: lateness is decided in the stage (late candidates). */
  merging;
  /** Late candidates (session windows) sent to the stage, by id: their letter if the stage finds them late. */
  pendingLate = /* @__PURE__ */ new Map();
  nextCandidate = 0;
  constructor(options) {
    this.options = options;
    this.watermarks = new PartitionWatermarks({ ...options.windows, idleness: options.idleness ?? "silence" });
    this.assigner = assignerFor(windowSpecOf(options.windows));
    const aggregations = options.job.aggregations;
    this.lanes = aggregations ? aggregations.map((a) => ({
      assigner: assignerFor(a.window),
      latenessMs: a.allowedLatenessMs,
      select: (event) => a.select(event),
      name: a.name
    })) : [{ assigner: this.assigner, latenessMs: options.windows.allowedLatenessMs }];
    this.merging = this.lanes.some((lane) => lane.assigner.merging);
    if (options.checkpoint)
      this.restorePlacement(options.checkpoint);
    this.telemetry = options.telemetry ?? NO_PIPELINE_TELEMETRY;
    this.stage = options.keyedStage((results, epoch) => this.writeResults(results, epoch));
    if (this.merging) {
      if (!this.stage.bindLate)
        throw new Error("session windows need a keyed stage that reports late candidates (bindLate)");
      this.stage.bindLate((candidates, epoch) => this.resolveLate(candidates, epoch));
    }
  }
  start() {
    return this.stage.start();
  }
  stop() {
    return this.stage.stop();
  }
  assign(partitions) {
    this.watermarks.assign(partitions, this.options.now());
  }
  revoke(partitions) {
    this.watermarks.revoke(partitions);
    for (const p of partitions)
      this.positions.delete(p);
  }
  /**
   * Where the source's partitions' logs end (Kafka: the offsets after the last readable record),
   * observed now. `start` is where a partition not read yet is read from; `fetched`, positions the
   * source moved past without records for the pipeline (batches of transaction markers only).
   */
  observeLogEnds(ends, fetched) {
    const now = this.options.now();
    for (const [p, { start, end }] of ends) {
      const position = Math.max(this.positions.get(p) ?? start, fetched.get(p) ?? start);
      this.watermarks.observeLogEnd(p, position, end, now);
    }
  }
  /** The source could not learn where the logs end: no partition counts as caught up. */
  logEndsUnknown() {
    this.watermarks.logEndUnknown();
  }
  /** partition -> the next offset to read, for every partition read so far (or restored). */
  nextOffsets() {
    return this.positions;
  }
  async processBatch(batch) {
    if (!globalThis.__fb) {
      globalThis.__fb = 1;
      process.stderr.write(JSON.stringify({ level: "probe", msg: "first batch " + batch.partition + " n=" + batch.records.length }) + "\n");
    }
    if (batch.records.length && ++globalThis.__fb % 50 === 0) process.stderr.write(JSON.stringify({ level: "probe", msg: "batch#" + globalThis.__fb + " n=" + batch.records.length }) + "\n");
    const { job } = this.options;
    const now = this.options.now();
    const partition = batch.partition;
    const watermark = this.watermarks.last;
    const events = [];
    const letters = [];
    const lanes = this.lanes;
    const alreadyProcessed = (this.positions.get(partition) ?? 0) - 1;
    const parsedBatch = this.telemetry.parse(batch, () => batch.records.map((r) => job.parse(r.value, now)));
    for (let i = 0; i < batch.records.length; i++) {
      const record = batch.records[i];
      const offset = Number(record.offset);
      if (offset <= alreadyProcessed) {
        this.counters.redelivered++;
        continue;
      }
      this.counters.recordsIn++;
      this.positions.set(partition, offset + 1);
      const parsed = parsedBatch[i];
      if (!parsed.ok) {
        if (parsed.filtered) {
          this.counters.filtered++;
          continue;
        }
        this.counters.deadLetters++;
        letters.push(this.letter(this.options.topics.dlq, batch, record, parsed.code, parsed.message));
        continue;
      }
      const parsedEvent = parsed.event;
      const timestamp = job.timestampOf(parsedEvent);
      this.watermarks.observe(partition, timestamp, now);
      for (let l = 0; l < lanes.length; l++) {
        const { assigner, latenessMs, select, name } = lanes[l];
        const event = select ? select(parsedEvent) : parsedEvent;
        const lastEnd = assigner.lastEnd(timestamp);
        let lateCandidate;
        if (lastEnd - 1 + latenessMs <= watermark) {
          const letter = this.letter(this.options.topics.late, batch, record, RecordErrorCode.LATE_EVENT, `event time ${timestamp} is behind the watermark ${watermark} by more than the allowed lateness (${latenessMs} ms)${name === void 0 ? "" : ` of aggregation ${name}`}`);
          if (!assigner.merging) {
            this.counters.lateEvents++;
            letters.push(letter);
            continue;
          }
          lateCandidate = this.nextCandidate++;
          this.pendingLate.set(lateCandidate, letter);
        } else {
          this.counters.eventsCounted++;
        }
        const key = job.keyOf(event);
        if (record.trace !== void 0)
          this.telemetry.counted(record.trace, key, assigner.merging ? timestamp : lastEnd - assigner.sizeMs);
        events.push(lateCandidate === void 0 ? { key, timestamp, event } : { key, timestamp, event, lateCandidate });
      }
    }
    const sending = letters.length > 0 ? this.options.deadLetters.send(letters) : void 0;
    await this.step(events, watermark, this.watermarks.current(now));
    if (sending)
      await this.whileBlocked(sending);
  }
  /** Let wall-clock time pass: idle partitions may release the watermark and windows fire. */
  async tick() {
    const watermark = this.watermarks.current(this.options.now());
    if (watermark > this.stageWatermark)
      await this.step([], watermark, watermark);
  }
  /** End of a bounded input: every window fires, as with Flink's final watermark. */
  async finish() {
    await this.step([], this.watermarks.last, Number.POSITIVE_INFINITY);
  }
  /** Wait until the keyed stage handed over every result so far and every sink wrote it. */
  async flush() {
    await this.whileBlocked(this.stage.drain());
    await this.whileBlocked(Promise.all([...this.options.sinks.map((s) => s.flush()), this.options.deadLetters.flush()]));
  }
  /**
   * Where a barrier placed now sits: for every partition read so far, the next offset to read; the
   * watermark clocks. Call it between batches (inside the main loop), then post the barrier.
   */
  placement() {
    const offsets = {};
    for (const [p, next] of this.positions)
      offsets[String(p)] = next;
    const maxTimestamps = {};
    for (const [p, max] of this.watermarks.clocks())
      maxTimestamps[String(p)] = finiteOrNull(max);
    return { offsets, maxTimestamps, watermark: finiteOrNull(this.watermarks.last), stageWatermark: finiteOrNull(this.stageWatermark) };
  }
  restorePlacement(placement) {
    const clocks = /* @__PURE__ */ new Map();
    for (const [p, max] of Object.entries(placement.maxTimestamps))
      clocks.set(Number(p), max ?? NO_WATERMARK);
    this.watermarks.restore(clocks, placement.watermark ?? NO_WATERMARK, this.options.now());
    this.stageWatermark = placement.stageWatermark ?? NO_WATERMARK;
    for (const [p, next] of Object.entries(placement.offsets))
      this.positions.set(Number(p), next);
  }
  stats() {
    return { ...this.counters, watermark: this.watermarks.last, openWindows: this.stage.openWindows() };
  }
  async step(events, watermarkBefore, watermarkAfter) {
    if (events.length === 0 && watermarkAfter <= this.stageWatermark)
      return;
    this.stageWatermark = Math.max(this.stageWatermark, watermarkAfter);
    await this.whileBlocked(this.stage.process({ events, watermarkBefore, watermarkAfter, nowMs: this.options.now() }));
  }
  async writeResults(results, epoch) {
    this.counters.resultsOut += results.length;
    const scope = this.telemetry.fired(results.map((r) => this.options.job.resultRef(r)), this.stage.handedOverWatermark());
    await scope.run(() => Promise.all(this.options.sinks.map((sink) => sink.write(results, epoch))));
  }
  /** The stage found what became of late candidates: the late ones' letters go out now. */
  async resolveLate(candidates, epoch) {
    for (const id of candidates.counted) {
      this.pendingLate.delete(id);
      this.counters.eventsCounted++;
    }
    const letters = [];
    for (const id of candidates.late) {
      const letter = this.pendingLate.get(id);
      if (!letter)
        continue;
      this.pendingLate.delete(id);
      this.counters.lateEvents++;
      letters.push(epoch === void 0 ? letter : { ...letter, epoch });
    }
    if (letters.length > 0)
      await this.options.deadLetters.send(letters);
  }
  /** Wait on the sinks with the idleness clock stopped: records waiting upstream are no partition's silence. */
  async whileBlocked(wait) {
    this.watermarks.pauseIdleness(this.options.now());
    try {
      return await wait;
    } finally {
      this.watermarks.resumeIdleness(this.options.now());
    }
  }
  letter(topic, batch, record, code, message) {
    return {
      topic,
      // Copies: the record's buffers belong to the source and are reused after this batch.
      value: record.value ? Buffer.from(record.value) : null,
      key: record.key ? Buffer.from(record.key) : null,
      code,
      message,
      source: { topic: batch.topic, partition: batch.partition, offset: record.offset, timestamp: record.timestamp }
    };
  }
};
function finiteOrNull(n3) {
  return Number.isFinite(n3) ? n3 : null;
}

// dist/src/streams/runtime/restore-plan.js
function planRestore(inputs) {
  const { stored, committed, savepoint } = inputs;
  const warnings = [];
  const newest = Math.max(0, committed ?? 0, ...stored.map((s) => s.id));
  if (savepoint) {
    const epoch = Math.max(newest, savepoint.manifest.checkpointId) + 1;
    if (stored.length > 0) {
      warnings.push({
        message: `restoring a savepoint: it takes precedence over the ${stored.length} checkpoint(s) in ${inputs.expect.stateDir}, which are dropped`,
        details: { savepoint: savepoint.dir, droppedCheckpoints: stored.map((s) => s.id).sort((a, b) => a - b) }
      });
    }
    return { from: "savepoint", savepoint, epoch, dropAfter: 0, firstCheckpointId: epoch + 1, warnings };
  }
  if (committed === void 0 && stored.some((s) => "record" in s && s.record.sideOutputsTxn)) {
    warnings.push({
      message: `group "${inputs.expect.groupId}" holds no committed checkpoint (its offsets expired: offsets.retention.minutes); restoring the latest recorded checkpoint, whose dead letters and late events may repeat once`,
      details: { groupId: inputs.expect.groupId }
    });
  }
  const counts = (record) => !record.sideOutputsTxn || committed === void 0 || record.id <= committed;
  for (const entry of [...stored].sort((a, b) => b.id - a.id)) {
    if ("error" in entry) {
      if (inputs.onCorrupt === "fail") {
        throw new SluiceError(ErrorCode.CHECKPOINT_CORRUPT, `${entry.error.message}; SLUICE_CHECKPOINT_ON_CORRUPT=fail, so sluice stops (set it to fallback to restore the previous retained checkpoint instead)`, { cause: entry.error, details: { checkpointId: entry.id } });
      }
      warnings.push({
        message: `checkpoint ${entry.id} is damaged (checksum does not verify); falling back to the previous retained checkpoint`,
        details: { checkpointId: entry.id }
      });
      continue;
    }
    if (!counts(entry.record)) {
      warnings.push({
        message: `checkpoint ${entry.id} was recorded but its Kafka transaction never committed; restoring an earlier one`,
        details: { checkpointId: entry.id, committed }
      });
      continue;
    }
    assertCompatible(entry.record, inputs.expect);
    if (entry.record.definition && inputs.expect.definition) {
      const { refusals, notes } = compareDescriptors(entry.record.definition, inputs.expect.definition, "checkpoint");
      if (refusals.length > 0) {
        throw new SluiceError(ErrorCode.CHECKPOINT_INCOMPATIBLE, `checkpoint ${entry.record.id} in ${inputs.expect.stateDir} was taken with another job definition: ${refusals.join("; ")}; run the job it was taken with, or remove ${inputs.expect.stateDir} to start from empty state`, { details: { checkpointId: entry.record.id } });
      }
      for (const note of notes)
        warnings.push({
          message: `restoring checkpoint ${entry.record.id} under a changed job definition: ${note}`,
          details: { checkpointId: entry.record.id }
        });
    }
    return { from: "checkpoint", record: entry.record, dropAfter: entry.record.id, firstCheckpointId: newest + 1, warnings };
  }
  return { from: "empty", dropAfter: stored.length > 0 ? 0 : void 0, firstCheckpointId: newest + 1, warnings };
}
function assertCompatible(record, expect) {
  if (record.source?.topic !== expect.topic || record.source?.groupId !== expect.groupId) {
    throw new SluiceError(ErrorCode.CHECKPOINT_INCOMPATIBLE, `checkpoint ${record.id} in ${expect.stateDir} belongs to topic "${record.source?.topic}" (group "${record.source?.groupId}"), not to topic "${expect.topic}" (group "${expect.groupId}"); give each job its own SLUICE_STATE_DIR, or remove ${expect.stateDir} to start from empty state`, { details: { checkpointId: record.id } });
  }
  if (record.workers !== expect.workers) {
    throw new SluiceError(ErrorCode.CHECKPOINT_INCOMPATIBLE, `checkpoint ${record.id} in ${expect.stateDir} was taken with SLUICE_WORKERS=${record.workers}, but SLUICE_WORKERS is ${expect.workers}; run with SLUICE_WORKERS=${record.workers}, or rescale through a savepoint: \`sluice stop --savepoint\`, then \`sluice run --from-savepoint PATH\` with the new SLUICE_WORKERS`, { details: { checkpointId: record.id, checkpointWorkers: record.workers, workers: expect.workers } });
  }
}

// dist/src/streams/runtime/job-runtime.js
var TICK_MS2 = 200;
var JobRuntime = class {
  config;
  job;
  options;
  lifecycle = new Lifecycle();
  clock;
  scheduler;
  telemetry;
  ownsTelemetry;
  source;
  stage;
  pipeline;
  loop;
  checkpointing;
  checkpoints;
  lock;
  /** Settles when start() has returned or thrown (a stop during the start waits for it). */
  startSettled = Promise.resolve();
  sinks = [];
  cancels = [];
  phase = "";
  /** The job's windows: its own, or tumbling windows of SLUICE_WINDOW_MS (the built-in job). */
  windowSpec;
  /** What checkpoints and savepoints record of the job, and restores check. */
  definition;
  resolveFinished;
  rejectFinished;
  /** Settles when the job has stopped: resolves after a clean stop, rejects with the failure. */
  finished;
  constructor(config, job, options) {
    this.config = config;
    this.job = job;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.windowSpec = job.window ?? { type: "tumbling", sizeMs: config.windows.sizeMs };
    this.definition = jobDescriptor(job, this.windowSpec, config.windows.allowedLatenessMs);
    this.finished = new Promise((resolve2, reject) => {
      this.resolveFinished = resolve2;
      this.rejectFinished = reject;
    });
    this.finished.catch(() => void 0);
    const view = { state: () => this.state, stats: () => this.stats(), source: () => this.source?.status?.() };
    this.ownsTelemetry = options.telemetry === void 0;
    this.telemetry = options.telemetry ?? new DaemonTelemetry({
      config,
      logger: options.logger,
      now: () => this.clock.now(),
      ...view,
      ...options.version ? { version: options.version } : {}
    });
    this.telemetry.attach(view);
  }
  get state() {
    return this.lifecycle.state;
  }
  /** Still starting: a stop now ends the start (JobSupervisor.stop). */
  get starting() {
    return this.lifecycle.is("starting");
  }
  /** During a graceful stop: what it is doing (for a stop that takes too long). */
  get stopPhase() {
    return this.phase;
  }
  stats() {
    return this.pipeline?.stats();
  }
  async start() {
    this.lifecycle.to("starting");
    const steps = this.startSteps();
    this.startSettled = steps.then(() => void 0, () => void 0);
    return steps;
  }
  async startSteps() {
    const { config, job, options } = this;
    const logger = options.logger;
    const startedAt = this.clock.now();
    try {
      const sinkModules = options.sinks ? void 0 : preloadSinks(config);
      sinkModules?.catch(() => void 0);
      await this.telemetry.start();
      this.lock = await StateDirectoryLock.acquire(config.state.dir);
      const stage = this.spawnWorkers();
      const source = (options.source ?? ((hooks) => sourceFromConfig(config, this.clock, logger, hooks)))({
        requestCheckpoint: () => this.checkpointing?.requestEarly(),
        isStopped: () => !this.lifecycle.is("starting"),
        watchKafka: (kafka) => this.telemetry.watchKafka(kafka)
      });
      this.source = source;
      if (options.fromSavepoint && !source.checkpointed) {
        throw new SluiceError(ErrorCode.SAVEPOINT_INCOMPATIBLE, "--from-savepoint needs SLUICE_KAFKA_BROKERS: a savepoint goes on from Kafka offsets, and the built-in generator has none");
      }
      const deadLetters = this.telemetry.instrumentDeadLetters(source.sideOutputs);
      const opened = source.checkpointed ? source.open() : Promise.resolve({ committed: void 0, logStarts: /* @__PURE__ */ new Map() });
      const sinksStarted = (async () => {
        this.sinks = (options.sinks ?? await sinksFromConfig(config, job, deadLetters, options.resultsOut ?? process.stdout, logger)).map((s) => this.telemetry.instrumentSink(s));
        for (const sink of this.sinks)
          await sink.start();
      })();
      const [openOutcome, sinksOutcome] = await Promise.allSettled([opened, sinksStarted]);
      if (openOutcome.status === "rejected")
        throw openOutcome.reason;
      if (sinksOutcome.status === "rejected")
        throw sinksOutcome.reason;
      const opening = openOutcome.value;
      if (!source.checkpointed)
        await source.sideOutputs.start();
      const plan = source.checkpointed ? this.planRestore(opening) : void 0;
      this.pipeline = new WindowPipeline({
        job,
        windows: { ...config.windows, assigner: this.windowSpec },
        topics: config.topics,
        sinks: this.sinks,
        deadLetters,
        now: () => this.clock.now(),
        logger,
        ...plan?.from === "checkpoint" ? { checkpoint: plan.record.placement } : plan?.from === "savepoint" ? { checkpoint: plan.savepoint.manifest.placement } : {},
        keyedStage: (onResults) => {
          stage.bindResults(onResults);
          if (plan?.from === "checkpoint")
            stage.setRestore({ restoreTo: plan.record.id });
          if (plan?.from === "savepoint") {
            const { dir: dir2, formatVersion, manifest } = plan.savepoint;
            stage.setRestore({ importSavepoint: { dir: dir2, formatVersion, files: manifest.files, epoch: plan.epoch } });
          }
          return stage;
        },
        telemetry: this.telemetry.pipeline,
        idleness: source.idleness
      });
      if (plan?.from === "savepoint")
        await this.checkpoints.dropAfter(0);
      await this.pipeline.start();
      if (plan && source.checkpointed)
        await this.afterRestore(plan, opening);
      else
        logger.info("no checkpoints with the built-in generator: starting from empty window state");
      this.loop = new MainLoop({
        batches: source.batches,
        scheduler: this.scheduler,
        tickMs: TICK_MS2,
        onBatch: (pulled) => this.telemetry.timeBatch(pulled.batch, () => this.pipeline.processBatch(pulled.batch)),
        onTick: () => this.pipeline.tick(),
        onError: (err) => void this.fail(err)
      });
      this.loop.start();
      this.lifecycle.to("running");
      if (plan && source.checkpointed) {
        const { sideOutputs } = source;
        this.checkpointing = new Checkpointing({
          checkpoint: config.checkpoint,
          workers: config.workers,
          firstCheckpointId: plan.firstCheckpointId,
          identity: {
            ...source.identity,
            job: job.name,
            windowMs: assignerFor(this.windowSpec).sizeMs,
            version: options.version ?? "unknown",
            definition: this.definition
          },
          stateDir: config.state.dir,
          store: this.checkpoints,
          sideOutputs,
          placeBarrier: (id, savepoint) => this.placeBarrier(id, savepoint, sideOutputs),
          flushSinks: () => Promise.all([...this.sinks.map((s) => s.flush()), deadLetters.flush()]).then(() => void 0),
          pruneBefore: (oldest) => stage.checkpointComplete(oldest),
          telemetry: {
            trace: (id) => this.telemetry.checkpointTrace(id),
            completed: (ms, bytes) => this.telemetry.checkpointCompleted(ms, bytes),
            failed: (reason) => this.telemetry.checkpointFailed(reason)
          },
          clock: this.clock,
          scheduler: this.scheduler,
          logger: logger.child({ component: "checkpoints" }),
          onFatal: (err) => void this.fail(err)
        });
        this.checkpointing.start();
      }
      await source.start(this.telemetry.instrumentControl({
        positions: () => this.pipeline?.nextOffsets() ?? /* @__PURE__ */ new Map(),
        onAssign: (partitions) => this.pipeline?.assign(partitions),
        onRevoke: (partitions) => void this.fail(new SluiceError(ErrorCode.PIPELINE_STOPPED, `partitions ${partitions.join(",")} were taken away by a rebalance of sluice's own run-scoped consumer group (something else joined it); restarting restores the last complete checkpoint`, {
          retriable: true
        })),
        onLogEnds: (ends, fetched) => this.pipeline?.observeLogEnds(ends, fetched),
        onLogEndsUnknown: () => this.pipeline?.logEndsUnknown(),
        onEnd: () => void this.finishBoundedInput(),
        onFatal: (err) => void this.fail(err)
      }));
      logger.info({
        ...source.identity,
        sinks: this.sinks.map((s) => s.name),
        processUptimeMs: Math.round(process.uptime() * 1e3),
        startMs: this.clock.now() - startedAt
      }, source.checkpointed ? "sluice is consuming" : "sluice is running on the built-in click generator");
      this.startStatusLine();
    } catch (err) {
      if (this.lifecycle.is("stopping"))
        return;
      await this.fail(err);
      throw err;
    }
  }
  /** Graceful stop: stop intake, finish the batch in progress, take a final checkpoint (or flush), close. */
  async stop() {
    if (!this.lifecycle.can("stopping"))
      return this.finished.catch(() => void 0);
    const duringStart = this.lifecycle.is("starting");
    this.lifecycle.to("stopping");
    this.cancelTimers();
    try {
      if (duringStart) {
        this.phase = "ending the start";
        await this.startSettled;
      }
      this.phase = "stopping intake";
      this.source?.stopIntake();
      this.phase = "finishing the batch in progress";
      await this.loop?.idle();
      if (this.checkpointing) {
        this.phase = "taking the final checkpoint";
        await this.checkpointing.final();
      } else if (this.pipeline && this.loop) {
        this.phase = "flushing sinks";
        const pipeline = this.pipeline;
        await this.loop.run(() => pipeline.flush());
      }
      this.phase = "closing connections";
      await this.closeAll();
      this.lifecycle.to("stopped");
      this.resolveFinished();
    } catch (err) {
      await this.fail(err);
    }
  }
  /** Take a savepoint now; resolves with its path once complete (SAVEPOINT_FAILED when it cannot be). */
  async savepoint(parentDir) {
    if (!this.lifecycle.is("running"))
      throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `no savepoint taken: the job is ${this.state}`, { details: { state: this.state } });
    if (!this.checkpointing) {
      throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, "no savepoint taken: savepoints need Kafka (SLUICE_KAFKA_BROKERS); the built-in generator runs without checkpoints");
    }
    return this.checkpointing.savepoint(parentDir);
  }
  /**
   * A live query (the query API, src/query), answered by the window workers from their live state
   * through their message queues. Only while running: QUERY_UNAVAILABLE otherwise.
   */
  query(query, timeoutMs) {
    const stage = this.stage;
    if (!this.lifecycle.is("running") || !stage) {
      return Promise.reject(new SluiceError(ErrorCode.QUERY_UNAVAILABLE, `no job is running to answer (the job is ${this.state})`, {
        retriable: true,
        details: { state: this.state }
      }));
    }
    return stage.query(query, timeoutMs);
  }
  spawnWorkers() {
    const { config, job, options } = this;
    const stage = new WorkerKeyedStage({
      workers: config.workers,
      job: job.name,
      ...job.source ? { jobSource: job.source } : {},
      windows: {
        sizeMs: config.windows.sizeMs,
        allowedLatenessMs: config.windows.allowedLatenessMs,
        stateTtlMs: config.windows.stateTtlMs,
        assigner: this.windowSpec
      },
      stateDir: config.state.dir,
      writeBufferEntries: config.state.writeBufferEntries,
      inbox: config.workerInbox,
      maxHeapMb: config.workerMaxHeapMb,
      onFailure: (err) => void this.fail(err),
      onMetrics: (thread, snapshot) => this.telemetry.metrics.mergeThread(thread, snapshot),
      onBarrierAck: (worker, id, changed, files) => this.checkpointing?.workerAcked(worker, id, changed, files),
      onBarrierDeclined: (worker, id, err) => this.checkpointing?.workerDeclined(worker, id, err),
      ...options.workerExitAfterSteps === void 0 ? {} : { exitAfterSteps: options.workerExitAfterSteps },
      logger: options.logger.child({ component: "window-workers" }),
      clock: this.clock,
      scheduler: this.scheduler
    });
    this.stage = stage;
    stage.spawn();
    return stage;
  }
  planRestore(opening) {
    const { config, job, options } = this;
    const source = this.source;
    this.checkpoints = new CheckpointStore(config.state.dir);
    const savepoint = options.fromSavepoint ? readSavepoint(options.fromSavepoint) : void 0;
    if (savepoint) {
      const shape = {
        job: job.name,
        ...source.identity,
        windowMs: assignerFor(this.windowSpec).sizeMs,
        keyGroups: KEY_GROUPS,
        definition: this.definition
      };
      for (const note of checkCompatible(savepoint.manifest, shape, savepoint.dir))
        options.logger.info({ savepoint: savepoint.dir }, note);
    }
    const plan = planRestore({
      stored: this.checkpoints.stored(),
      committed: opening.committed,
      onCorrupt: config.checkpoint.onCorrupt,
      ...savepoint ? { savepoint } : {},
      expect: { ...source.identity, workers: config.workers, stateDir: config.state.dir, definition: this.definition }
    });
    for (const w of plan.warnings)
      options.logger.warn(w.details, w.message);
    return plan;
  }
  /** The state is restored: make the disk and Kafka agree with it before the first record is read. */
  async afterRestore(plan, opening) {
    const { config, options } = this;
    const store = this.checkpoints;
    const source = this.source;
    const pipeline = this.pipeline;
    if (plan.dropAfter !== void 0 && plan.from !== "savepoint")
      await store.dropAfter(plan.dropAfter);
    let restoredId = 0;
    if (plan.from === "checkpoint") {
      restoredId = plan.record.id;
      options.logger.info({ checkpointId: restoredId, offsets: plan.record.placement.offsets, watermark: plan.record.placement.watermark }, "restored the latest complete checkpoint");
    } else if (plan.from === "savepoint") {
      const { manifest, dir: dir2, formatVersion } = plan.savepoint;
      restoredId = plan.epoch;
      await store.write({
        formatVersion: CHECKPOINT_FORMAT_VERSION,
        id: plan.epoch,
        kind: "savepoint",
        createdAt: this.clock.now(),
        triggeredAt: this.clock.now(),
        workers: config.workers,
        keyGroups: KEY_GROUPS,
        source: source.identity,
        placement: manifest.placement,
        changed: {}
      }, config.checkpoint.retained);
      options.logger.info({
        savepoint: dir2,
        savepointCheckpointId: manifest.checkpointId,
        checkpointId: plan.epoch,
        formatVersion,
        savepointWorkers: manifest.workers,
        workers: config.workers,
        importedEntries: this.stage?.imported
      }, formatVersion < SAVEPOINT_FORMAT_VERSION ? `restored savepoint ${dir2} (format ${formatVersion}, migrated to ${SAVEPOINT_FORMAT_VERSION})` : `restored savepoint ${dir2}`);
    } else {
      options.logger.info("no checkpoint to restore: starting from empty window state");
    }
    const offsets = new Map([...opening.logStarts, ...pipeline.nextOffsets()]);
    await source.sideOutputs.commit(restoredId, offsets, this.clock.now() + config.checkpoint.timeoutMs);
  }
  /** In the main loop, between two batches: the placement and the barrier describe the same cut. */
  placeBarrier(id, savepoint, sideOutputs) {
    const loop = this.loop;
    if (!loop)
      return Promise.reject(new SluiceError(ErrorCode.PIPELINE_STOPPED, "the pipeline is not running"));
    return loop.run(async () => {
      const pipeline = this.pipeline;
      const stage = this.stage;
      if (!pipeline || !stage || this.lifecycle.is("failed"))
        throw new SluiceError(ErrorCode.PIPELINE_STOPPED, "the pipeline is not running");
      const placement = pipeline.placement();
      stage.barrier(id, savepoint);
      sideOutputs.seal(id);
      return placement;
    });
  }
  /** A bounded input (the generator's maxEvents) has ended: every open window fires, then the job stops. */
  async finishBoundedInput() {
    if (!this.lifecycle.is("running") || !this.loop)
      return;
    const pipeline = this.pipeline;
    await this.loop.run(() => pipeline.finish());
    await this.stop();
  }
  startStatusLine() {
    const out = this.options.statusOut;
    if (!out)
      return;
    const every = this.options.statusIntervalMs ?? 2e3;
    let last = { at: this.clock.now(), records: 0 };
    const tick = () => {
      const stats = this.pipeline?.stats();
      if (stats) {
        const at = this.clock.now();
        out.write(`${formatStatus(stats, (stats.recordsIn - last.records) / Math.max(1e-3, (at - last.at) / 1e3))}
`);
        last = { at, records: stats.recordsIn };
      }
      this.cancels.push(this.scheduler.schedule(every, tick));
    };
    this.cancels.push(this.scheduler.schedule(every, tick));
  }
  cancelTimers() {
    for (const cancel of this.cancels.splice(0))
      cancel();
  }
  async fail(err) {
    if (!this.lifecycle.can("failed"))
      return;
    this.lifecycle.to("failed");
    this.cancelTimers();
    this.options.logger.error({ err }, "the job stopped on a failure; a restart restores the last complete checkpoint");
    void this.checkpointing?.stop();
    this.source?.stopIntake();
    await this.closeAll().catch(() => void 0);
    this.rejectFinished(err);
  }
  async closeAll() {
    this.loop?.stop();
    const closing = [...this.sinks.map((s) => s.close())];
    if (this.pipeline)
      closing.push(this.pipeline.stop());
    else if (this.stage)
      closing.push(this.stage.stop());
    if (this.source)
      closing.push(this.source.close());
    if (this.ownsTelemetry)
      closing.push(this.telemetry.close());
    const results = await Promise.allSettled(closing);
    await this.checkpoints?.close().catch(() => void 0);
    this.checkpoints = void 0;
    await this.lock?.release();
    this.lock = void 0;
    const failed2 = results.find((r) => r.status === "rejected");
    if (failed2)
      throw failed2.reason;
  }
};

// dist/src/supervision/strategies.js
function fixedDelay(attempts, delayMs) {
  return {
    name: "fixed-delay",
    description: `fixed-delay (${attempts} attempts, ${delayMs} ms apart)`,
    decide({ failures }) {
      if (failures.length <= attempts)
        return { restart: true, delayMs };
      return { restart: false, reason: `${failures.length} failures, and at most ${attempts} restarts are allowed` };
    }
  };
}
function exponentialBackoff(options) {
  const multiplier = options.multiplier ?? 2;
  const jitter = options.jitter ?? 0.1;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const limit = Number.isFinite(maxAttempts) ? `, at most ${maxAttempts} in a row` : "";
  return {
    name: "exponential-backoff",
    description: `exponential-backoff (${options.initialMs} ms x ${multiplier} up to ${options.maxMs} ms, reset after ${options.resetAfterMs} ms running${limit})`,
    decide({ failures, random }) {
      const series = failuresInSeries(failures, options.resetAfterMs);
      if (series > maxAttempts)
        return { restart: false, reason: `${series} failures in a row, and at most ${maxAttempts} are allowed` };
      const base = Math.min(options.maxMs, options.initialMs * multiplier ** (series - 1));
      const delayMs = Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
      return { restart: true, delayMs };
    }
  };
}
function failuresInSeries(failures, resetAfterMs) {
  let n3 = 0;
  for (let i = failures.length - 1; i >= 0; i--) {
    const f = failures[i];
    n3++;
    if (f.at - f.startedAt >= resetAfterMs)
      break;
  }
  return Math.max(1, n3);
}
function failureRate(maxFailures, intervalMs, delayMs) {
  return {
    name: "failure-rate",
    description: `failure-rate (at most ${maxFailures} failures per ${intervalMs} ms, ${delayMs} ms apart)`,
    decide({ failures, now }) {
      const recent = failures.filter((f) => f.at > now - intervalMs).length;
      if (recent > maxFailures)
        return { restart: false, reason: `${recent} failures within ${intervalMs} ms, and at most ${maxFailures} are allowed` };
      return { restart: true, delayMs };
    }
  };
}
function restartStrategyFrom(restart) {
  switch (restart.strategy) {
    case "fixed-delay":
      return fixedDelay(restart.attempts, restart.delayMs);
    case "exponential-backoff":
      return exponentialBackoff({
        initialMs: restart.delayMs,
        maxMs: Math.max(restart.delayMs, restart.maxDelayMs),
        resetAfterMs: restart.intervalMs,
        maxAttempts: restart.attempts
      });
    case "failure-rate":
      return failureRate(restart.attempts, restart.intervalMs, restart.delayMs);
  }
}

// dist/src/supervision/supervisor.js
var Supervisor = class {
  options;
  state = "created";
  slots;
  failures = [];
  restarts = 0;
  timers = /* @__PURE__ */ new Set();
  ops = Promise.resolve();
  stopRequested = false;
  startupFailure;
  settleExited;
  /** Resolves when the supervisor stopped or all its children are done; rejects when it gave up. */
  exited;
  constructor(options) {
    this.options = options;
    const ids = /* @__PURE__ */ new Set();
    for (const spec of options.children) {
      if (ids.has(spec.id))
        throw new SluiceError(ErrorCode.INTERNAL, `supervisor ${options.id}: two children are called ${spec.id}`);
      ids.add(spec.id);
    }
    this.slots = options.children.map((spec) => ({ spec, state: "idle", child: void 0, generation: 0, startedAt: 0 }));
    this.exited = new Promise((resolve2, reject) => this.settleExited = { resolve: resolve2, reject });
    this.exited.catch(() => {
    });
  }
  /** Start every child in order; rejects (after stopping those started) if any fails to start. */
  start() {
    if (this.state !== "created")
      return Promise.reject(new SluiceError(ErrorCode.INTERNAL, `supervisor ${this.options.id} cannot start: it is ${this.state}`));
    this.state = "starting";
    return this.run(() => this.firstStart(), true);
  }
  /** Stop: cancel a pending restart, stop the children in reverse order. */
  async stop() {
    this.stopRequested = true;
    this.cancelTimers();
    await this.run(async () => {
      if (this.state === "stopped" || this.state === "failed")
        return;
      this.state = "stopping";
      await this.stopSlots(this.slots);
      this.state = "stopped";
      this.settleExited.resolve();
    });
  }
  stats() {
    return {
      state: this.state,
      failures: this.failures.length,
      restarts: this.restarts,
      children: Object.fromEntries(this.slots.map((s) => [s.spec.id, s.state]))
    };
  }
  /** Run `op` after every state change queued before it; rethrow its error only if asked. */
  run(op, rethrow = false) {
    const result = this.ops.then(op);
    this.ops = result.catch(() => {
    });
    return rethrow ? result : result.catch((err) => this.giveUp(err, "the supervisor itself failed"));
  }
  async firstStart() {
    for (const slot of this.slots) {
      if (this.stopRequested)
        break;
      try {
        await this.startSlot(slot);
      } catch (err) {
        slot.state = "failed";
        this.startupFailure ??= { slot, error: err };
      }
      if (this.startupFailure)
        break;
    }
    const failure = this.startupFailure;
    if (failure) {
      this.state = "stopping";
      await this.stopSlots(this.slots);
      this.state = "failed";
      const err = startupError(failure.slot.spec.id, failure.error);
      this.settleExited.reject(err);
      throw err;
    }
    if (this.state === "starting")
      this.state = "running";
  }
  async startSlot(slot) {
    const generation = ++slot.generation;
    slot.state = "starting";
    const child = await slot.spec.start();
    slot.child = child;
    slot.state = "running";
    slot.startedAt = this.options.clock.now();
    child.exited.then(() => this.onExit(slot, generation, void 0), (err) => this.onExit(slot, generation, err ?? new SluiceError(ErrorCode.INTERNAL, `child ${slot.spec.id} failed without a reason`)));
  }
  onExit(slot, generation, error) {
    if (generation !== slot.generation || slot.state !== "running")
      return;
    const at = this.options.clock.now();
    const startedAt = slot.startedAt;
    slot.child = void 0;
    if (error === void 0 && (slot.spec.restart ?? "transient") === "transient") {
      slot.state = "done";
      if (this.state === "running" && this.slots.every((s) => s.state === "done")) {
        void this.run(async () => {
          if (this.state !== "running")
            return;
          this.state = "stopped";
          this.settleExited.resolve();
        });
      }
      return;
    }
    const failure = error ?? new SluiceError(ErrorCode.INTERNAL, `child ${slot.spec.id} exited, but it is permanent`);
    slot.state = "failed";
    if (this.state === "starting") {
      this.startupFailure ??= { slot, error: failure };
      return;
    }
    void this.run(() => this.handleFailure(slot, slot.generation, failure, at, startedAt));
  }
  async handleFailure(slot, generation, error, at, startedAt) {
    if (this.state !== "running" || this.stopRequested || generation !== slot.generation)
      return;
    this.failures.push({ at, startedAt, error });
    if (slot.spec.fatal?.(error))
      return this.giveUp(error, "no restart can fix this failure", true);
    const decision = this.options.strategy.decide({
      failures: this.failures,
      now: this.options.clock.now(),
      random: this.options.random ?? Math.random
    });
    if (!decision.restart)
      return this.giveUp(error, decision.reason);
    const index = this.slots.indexOf(slot);
    const affected = this.options.mode === "one_for_one" ? [slot] : this.options.mode === "one_for_all" ? this.slots : this.slots.slice(index);
    await this.stopSlots(affected);
    for (const s of affected)
      s.state = "waiting";
    this.options.onRestart?.({
      supervisor: this.options.id,
      child: slot.spec.id,
      restarting: affected.map((s) => s.spec.id),
      delayMs: decision.delayMs,
      failures: this.failures.length,
      cause: error
    });
    const cancel = this.options.scheduler.schedule(decision.delayMs, () => {
      this.timers.delete(cancel);
      void this.run(() => this.restart(affected));
    });
    this.timers.add(cancel);
  }
  async restart(affected) {
    if (this.state !== "running" || this.stopRequested)
      return;
    this.restarts++;
    for (const slot of affected) {
      try {
        await this.startSlot(slot);
      } catch (err) {
        slot.state = "failed";
        const now = this.options.clock.now();
        return this.handleFailure(slot, slot.generation, err, now, now);
      }
    }
  }
  async giveUp(cause, reason, withCause = false) {
    if (this.state === "failed" || this.state === "stopped")
      return;
    this.state = "stopping";
    this.cancelTimers();
    await this.stopSlots(this.slots);
    this.state = "failed";
    const { id, strategy } = this.options;
    const err = new SluiceError(ErrorCode.RESTARTS_EXHAUSTED, `supervisor ${id} gave up: ${strategy.description}: ${reason}; last cause: ${describe(cause)}`, { cause, details: { supervisor: id, strategy: strategy.name, failures: this.failures.length, restarts: this.restarts } });
    const final = withCause && cause instanceof SluiceError ? cause : err;
    this.settleExited.reject(final);
    this.options.onGiveUp?.(final);
  }
  /** Stop running children in reverse order; a child that fails to stop is stopped all the same. */
  async stopSlots(slots) {
    for (const slot of [...slots].reverse()) {
      slot.generation++;
      const child = slot.child;
      slot.child = void 0;
      if (child) {
        slot.state = "stopping";
        await child.stop().catch(() => {
        });
      }
      if (slot.state !== "done" && slot.state !== "failed")
        slot.state = "stopped";
    }
  }
  cancelTimers() {
    for (const cancel of this.timers)
      cancel();
    this.timers.clear();
  }
};
function describe(err) {
  if (err instanceof SluiceError)
    return `${err.code}: ${err.message}`;
  if (err instanceof Error)
    return err.message;
  return String(err);
}
function startupError(child, cause) {
  const inner = cause instanceof SluiceError && cause.details.startupFailure === true ? cause : void 0;
  const path = inner ? [child, ...inner.details.path] : [child];
  const root = inner ? inner.cause : cause;
  const code = root instanceof SluiceError ? root.code : ErrorCode.STARTUP_FAILED;
  const message = root instanceof Error ? root.message : String(root);
  return new SluiceError(code, `${path.join(" > ")} failed at start-up: ${message} (a failure at start-up is not retried)`, {
    cause: root,
    details: { ...root instanceof SluiceError ? root.details : {}, startupFailure: true, path }
  });
}

// dist/src/supervision/job-supervisor.js
function superviseJob(options) {
  const { config, logger } = options;
  let attempt = 0;
  let current;
  const strategy = restartStrategyFrom(config.restart);
  const supervisor = new Supervisor({
    id: "sluice",
    mode: "one_for_all",
    strategy,
    clock: options.clock ?? systemClock,
    scheduler: options.scheduler ?? systemScheduler,
    children: [
      {
        id: "job",
        // A clean exit (a stop, or the end of a bounded input) is the end of the job's work.
        restart: "transient",
        // Another daemon took the job over (fenced by its producer, or found live at start): a
        // restart would only fight it.
        fatal: (err) => {
          const code = err?.code;
          return code === ErrorCode.KAFKA_FENCED || code === ErrorCode.KAFKA_GROUP_IN_USE;
        },
        start: async () => {
          const daemon = options.makeJob(attempt++);
          current = daemon;
          await daemon.start();
          return { exited: daemon.finished, stop: () => daemon.stop() };
        }
      }
    ],
    onRestart: (event) => {
      options.onRestart?.(event.cause, event.delayMs);
      logger.warn({ failures: event.failures, delayMs: event.delayMs, strategy: strategy.description, cause: event.cause }, `the job failed; restarting it from the last completed checkpoint in ${event.delayMs} ms`);
    },
    onGiveUp: (err) => logger.error({ err }, "the restart strategy gave up")
  });
  return {
    supervisor,
    current: () => current,
    stop: () => {
      if (current?.starting)
        void current.stop().catch(() => void 0);
      return supervisor.stop();
    }
  };
}

// dist/src/supervision/process-exit.js
async function exitProcess(code, boundMs = THREAD_EXIT_BOUND_MS) {
  if (!await exitAllThreads(boundMs)) {
    process.stderr.write(`sluice: worker threads could not be ended (bound ${boundMs} ms); killing the process (exit code ${code} intended)
`);
    process.kill(process.pid, "SIGKILL");
  }
  process.exit(code);
}

// dist/src/telemetry/logging.js
import { pino } from "pino";
var REDACT_PATHS = [
  "password",
  "apiKey",
  "username",
  "sasl",
  "auth",
  "authorization",
  "*.password",
  "*.apiKey",
  "*.username",
  "*.sasl",
  "*.auth",
  "*.authorization",
  "*.headers.authorization"
];
function createLogger(level, destination = process.stderr) {
  return pino({
    level,
    base: { service: "sluice" },
    redact: { paths: REDACT_PATHS, censor: "****" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // The whole line, as written: messages, fields at any depth, errors and their stacks.
    hooks: { streamWrite: maskUrlsInText }
  }, destination);
}
var silentLogger = pino({ level: "silent" });

// dist/src/telemetry/status-command.js
function parsePrometheusText(text) {
  const samples = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#"))
      continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m)
      continue;
    const labels = {};
    const body = m[3] ?? "";
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (let l = re.exec(body); l; l = re.exec(body))
      labels[l[1]] = l[2].replace(/\\"/g, '"').replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
    const v = m[4];
    const value = v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : Number(v);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}
var Scrape = class {
  samples;
  constructor(samples) {
    this.samples = samples;
  }
  all(name) {
    return this.samples.filter((s) => s.name === name);
  }
  sum(name) {
    const found = this.all(name);
    return found.length === 0 ? void 0 : found.reduce((a, s) => a + s.value, 0);
  }
  one(name, labels = {}) {
    return this.all(name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  }
};
var n2 = (x) => Math.round(x).toLocaleString("en-US");
function ago(seconds) {
  if (!Number.isFinite(seconds))
    return "never";
  if (seconds < 1)
    return "just now";
  if (seconds < 120)
    return `${Math.round(seconds)} s ago`;
  if (seconds < 7200)
    return `${Math.round(seconds / 60)} min ago`;
  return `${(seconds / 3600).toFixed(1)} h ago`;
}
function duration(seconds) {
  if (!Number.isFinite(seconds))
    return "n/a";
  if (seconds < 1)
    return `${Math.round(seconds * 1e3)} ms`;
  if (seconds < 120)
    return `${seconds.toFixed(1)} s`;
  if (seconds < 7200)
    return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
function formatStatusReport(first, second, seconds, readiness, url) {
  const a = new Scrape(first);
  const b = new Scrape(second);
  const rate = (name) => ((b.sum(name) ?? 0) - (a.sum(name) ?? 0)) / seconds;
  const state = b.all(METRIC_NAMES.daemonState).find((s) => s.value === 1)?.labels.state ?? "unknown";
  const lines = [];
  const row = (label, text) => lines.push(`  ${label.padEnd(13)}${text}`);
  lines.push(`sluice at ${maskUrlsInText(url)}`);
  row("state", `${state}, ${readiness.ok ? "ready" : "NOT ready"}: ${readiness.detail}`);
  row("throughput", `${n2(rate(METRIC_NAMES.recordsIn))} events/s in, ${n2(rate(METRIC_NAMES.resultsOut))} results/s out (over ${seconds.toFixed(1)} s); ${n2(b.sum(METRIC_NAMES.recordsIn) ?? 0)} records so far, ${n2(b.sum(METRIC_NAMES.deadLetters) ?? 0)} dead letters, ${n2(b.sum(METRIC_NAMES.lateEvents) ?? 0)} late`);
  const wm = b.one(METRIC_NAMES.watermark);
  const wmLag = b.one(METRIC_NAMES.watermarkLag);
  row("watermark", wm === void 0 || !Number.isFinite(wm) ? "none yet" : `${formatWatermark(wm * 1e3).replace(/\.\d{3}Z$/, "Z")} (${duration(wmLag ?? NaN)} behind the clock)`);
  row("windows", `${n2(b.sum(METRIC_NAMES.openWindows) ?? 0)} open, ${n2(b.sum(METRIC_NAMES.windowsFired) ?? 0)} fired`);
  const completed = b.sum(METRIC_NAMES.checkpointsCompleted) ?? 0;
  const failures = b.sum(METRIC_NAMES.checkpointFailures) ?? 0;
  const age = b.one(METRIC_NAMES.checkpointAge);
  if (age === void 0) {
    row("checkpoint", "none (embedded generator: nothing to commit)");
  } else if (completed === 0) {
    row("checkpoint", `none completed yet (started ${duration(age)} ago); ${n2(failures)} failed`);
  } else {
    const count = b.sum(`${METRIC_NAMES.checkpointDuration}_count`) ?? 0;
    const total = b.sum(`${METRIC_NAMES.checkpointDuration}_sum`) ?? 0;
    const avg = count > 0 ? total / count : NaN;
    row("checkpoint", `last completed ${ago(age)}, ${n2(completed)} completed (avg ${duration(avg)}), ${n2(failures)} failed, last ${n2(b.one(METRIC_NAMES.checkpointSize) ?? 0)} bytes`);
  }
  const lags = b.all(METRIC_NAMES.consumerLag).sort((x, y) => Number(x.labels.partition) - Number(y.labels.partition));
  if (lags.length > 0) {
    const total = lags.reduce((s, l) => s + l.value, 0);
    const parts = lags.slice(0, 12).map((l) => `p${l.labels.partition} ${n2(l.value)}`).join(", ");
    row("consumer lag", `${n2(total)} records (${parts}${lags.length > 12 ? ", ..." : ""})`);
  }
  const busy = rate(METRIC_NAMES.backpressure);
  row("backpressure", `${Math.round(Math.min(1, Math.max(0, busy)) * 100)}% of the last ${seconds.toFixed(1)} s waiting on sinks (${duration(b.sum(METRIC_NAMES.backpressure) ?? 0)} in total)`);
  const sinks = [...new Set(b.all(METRIC_NAMES.sinkResults).map((s) => s.labels.sink))];
  const sinkTexts = [];
  for (const sink of sinks) {
    const buffered = (b.one(METRIC_NAMES.sinkBuffered, { sink }) ?? 0) + (b.one(METRIC_NAMES.sinkInFlight, { sink }) ?? 0);
    const capacity = b.one(METRIC_NAMES.sinkCapacity, { sink });
    const retries = b.one(METRIC_NAMES.sinkRetries, { sink });
    const perSecond = ((b.one(METRIC_NAMES.sinkResults, { sink }) ?? 0) - (a.one(METRIC_NAMES.sinkResults, { sink }) ?? 0)) / seconds;
    const parts = [`${n2(perSecond)} items/s`];
    if (capacity !== void 0)
      parts.push(`buffer ${n2(buffered)}/${n2(capacity)}`);
    if (retries !== void 0)
      parts.push(`${n2(retries)} retries`);
    sinkTexts.push(`${sink} ${parts.join(", ")}`);
  }
  if (sinkTexts.length > 0)
    row("sinks", sinkTexts.join("; "));
  const rss = b.one("process_resident_memory_bytes");
  const heap = b.one("nodejs_heap_size_used_bytes");
  const loop = b.one(METRIC_NAMES.eventLoopDelay, { thread: "main", stat: "p99" });
  if (rss !== void 0 || heap !== void 0) {
    row("memory", `${rss !== void 0 ? `${n2(rss / 1048576)} MiB resident` : ""}${heap !== void 0 ? `, ${n2(heap / 1048576)} MiB heap used` : ""}${loop !== void 0 ? `; event-loop delay p99 ${duration(loop)}` : ""}`);
  }
  const restarts = b.sum(METRIC_NAMES.workerRestarts);
  if (restarts)
    row("restarts", `${n2(restarts)} worker restarts`);
  return lines.join("\n") + "\n";
}
async function runStatus(url, intervalMs, out = process.stdout) {
  const base = url.replace(/\/+$/, "");
  const get = async (path) => {
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5e3) });
    return { status: res.status, text: await res.text() };
  };
  let first;
  try {
    first = parsePrometheusText((await get("/metrics")).text);
  } catch (err) {
    process.stderr.write(maskUrlsInText(`sluice status: no daemon answers at ${base} (${err instanceof Error ? err.message : String(err)}); is it running, with SLUICE_METRICS_PORT set to this port?
`));
    return 1;
  }
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, intervalMs));
  const second = parsePrometheusText((await get("/metrics")).text);
  const seconds = (performance.now() - t0) / 1e3;
  const ready = await get("/readyz");
  const detail = ready.text.trim().replace(/^(not ok|ok):\s*/, "");
  out.write(formatStatusReport(first, second, seconds, { ok: ready.status === 200, detail }, base));
  return 0;
}

// dist/src/commands.js
function version() {
  try {
    return JSON.parse(readFileSync2(new URL("../../package.json", import.meta.url), "utf8")).version ?? "unknown";
  } catch {
    return "unknown";
  }
}
var USAGE = `sluice: a stream processor for clickstream windows (Kafka in, Elasticsearch and Redis out)

usage:
  sluice run       run the daemon (with no SLUICE_KAFKA_BROKERS: the built-in generator, results on stdout)
                   --job FILE: run the job in FILE (a job file .yaml/.yml/.json, or a module .mjs/.js
                   exporting a JobDefinition) instead of SLUICE_JOB or the built-in clickstream job
                   --from-savepoint PATH: start from a savepoint (replaces the checkpoints in SLUICE_STATE_DIR;
                   any SLUICE_WORKERS: state moves by key group)
  sluice check     validate the configuration and the job (--job FILE, else SLUICE_JOB) and say what it runs
  sluice savepoint take a savepoint of the running daemon and print its path
                   (--dir PATH: create it in PATH instead of $SLUICE_STATE_DIR/savepoints)
  sluice stop      stop the running daemon gracefully (final checkpoint, sinks flushed)
                   --savepoint [--dir PATH]: take a savepoint first and print its path
  sluice status    how a running daemon is doing: events/s, watermark, windows, last checkpoint, lag,
                   backpressure (asks http://127.0.0.1:$SLUICE_METRICS_PORT; --url URL, --interval MS)
  sluice config    print every setting (environment variables) with its value, default and meaning
  sluice help      this text

Configuration is by environment variables only; see \`sluice config\`.
`;
function printConfig() {
  const rows = describeConfig();
  const width = Math.max(...rows.map((r) => r.name.length));
  const valueWidth = Math.min(40, Math.max(...rows.map((r) => r.value.length)));
  process.stdout.write(`${"VARIABLE".padEnd(width)}  ${"VALUE".padEnd(valueWidth)}  MEANING (default)
`);
  for (const r of rows) {
    process.stdout.write(`${r.name.padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.meaning} (default: ${r.default})
`);
  }
  try {
    loadConfig();
  } catch (err) {
    if (err instanceof SluiceError) {
      process.stderr.write(`
${err.message}
`);
      return 2;
    }
    throw err;
  }
  return 0;
}
async function configAndJob(command, jobFile) {
  try {
    return await loadJob(loadConfig(), process.env, jobFile);
  } catch (err) {
    if (err instanceof SluiceError && err.code === ErrorCode.CONFIG_INVALID) {
      process.stderr.write(`sluice ${command}: ${err.message}
(see \`sluice config\` for every variable and what it allows)
`);
      return 2;
    }
    if (err instanceof SluiceError && err.code === ErrorCode.JOB_INVALID) {
      process.stderr.write(`sluice ${command}: ${err.message}
(job files: docs/job-files.md and examples/)
`);
      return 2;
    }
    throw err;
  }
}
async function check(args) {
  let jobFile;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--job" && args[i + 1])
      jobFile = args[++i];
    else {
      process.stderr.write(`sluice check: unknown option "${args[i]}" (allowed: --job FILE)
`);
      return 2;
    }
  }
  const loaded = await configAndJob("check", jobFile);
  if (typeof loaded === "number")
    return loaded;
  const { job, config, notes } = loaded;
  const window = job.window ?? { type: "tumbling", sizeMs: config.windows.sizeMs };
  const aggregates = (shapes) => Object.entries(shapes).map(([n3, a]) => `${n3} (${a.type}${a.field ? ` of ${a.field}` : ""})`).join(", ");
  const where = (targets, outputs) => [
    targets.elasticsearchIndex ? `index ${targets.elasticsearchIndex}` : "",
    targets.redisKeyPrefix !== void 0 ? `Redis keys ${targets.redisKeyPrefix}...` : "",
    outputs.stdout ? "stdout" : ""
  ].filter(Boolean).join(", ");
  const shape = job.stateShape;
  const lines = [
    `job ${job.name}${job.source ? ` (${job.source.kind === "file" ? "job file" : "module"} ${job.source.path})` : " (built in)"}: valid`,
    `  input: topic ${config.topics.input}, dead letters to ${config.topics.dlq}, late events to ${config.topics.late}, watermark ${config.windows.outOfOrdernessMs} ms behind`,
    ...job.aggregations ? job.aggregations.flatMap((a, i) => [
      `  aggregation ${a.name}:`,
      `    key: ${shape?.aggregations?.[i]?.key.join(" + ") ?? "?"}`,
      `    aggregates: ${aggregates(shape?.aggregations?.[i]?.aggregates ?? {})}`,
      `    windows: ${describeWindow(a.window)}, allowed lateness ${a.allowedLatenessMs} ms`,
      `    writes: ${where(a.targets, a.results.outputs) || "nothing (no outputs)"}`
    ]) : [
      ...shape ? [`  key: ${shape.key.join(" + ")}`, `  aggregates: ${aggregates(shape.aggregates)}`] : [],
      `  windows: ${describeWindow(window)}, allowed lateness ${config.windows.allowedLatenessMs} ms`
    ],
    ...notes.map((n3) => `  note: ${n3}`)
  ];
  process.stdout.write(`${lines.join("\n")}
`);
  return 0;
}
async function run(args) {
  let fromSavepoint;
  let jobFile;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--from-savepoint" && args[i + 1])
      fromSavepoint = args[++i];
    else if (args[i] === "--job" && args[i + 1])
      jobFile = args[++i];
    else {
      process.stderr.write(`sluice run: unknown option "${args[i]}" (allowed: --job FILE, --from-savepoint PATH)
`);
      return 2;
    }
  }
  const loaded = await configAndJob("run", jobFile);
  if (typeof loaded === "number")
    return loaded;
  const { config, job: jobDefinition } = loaded;
  const logger = createLogger(config.logLevel);
  for (const note of loaded.notes)
    logger.info({ job: jobDefinition.name }, note);
  if (jobDefinition.source)
    logger.info({ job: jobDefinition.name, file: jobDefinition.source.path, definition: jobDefinition.definitionHash }, `running job ${jobDefinition.name} from ${jobDefinition.source.path}`);
  const embedded = config.kafka === void 0;
  const tracing = await startTracing({ logger, version: version() });
  const telemetry = new DaemonTelemetry({ config, logger, version: version(), state: () => "created", stats: () => void 0 });
  let runtime;
  const job = superviseJob({
    config,
    logger,
    onRestart: (cause, delayMs) => {
      telemetry.workerRestarted();
      telemetry.jobRestarting(cause, delayMs);
    },
    makeJob: (attempt) => runtime = new JobRuntime(config, jobDefinition, {
      logger,
      telemetry,
      resultsOut: process.stdout,
      version: version(),
      attempt,
      // A restart restores the checkpoints taken since the savepoint, never the savepoint again.
      ...fromSavepoint && attempt === 0 ? { fromSavepoint } : {},
      ...embedded ? { statusOut: process.stderr } : {},
      ...testWorkerExit(attempt)
    })
  });
  let signals = 0;
  let stopBound;
  const onSignal = (signal) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, "second signal: exiting at once");
      void exitProcess(130);
    }
    beginStop({ signal });
  };
  const beginStop = (by) => {
    if (stopBound)
      return;
    logger.info({ ...by, timeoutMs: config.shutdownTimeoutMs }, "stopping: finishing in-flight work, flushing sinks, committing (signal again to exit at once)");
    stopBound = setTimeout(() => {
      const phase = job.current()?.stopPhase || "stopping";
      const message = `graceful stop did not finish within SLUICE_SHUTDOWN_TIMEOUT_MS=${config.shutdownTimeoutMs} ms (still ${phase}); no checkpoint completed after that, a restart restores the last complete checkpoint`;
      logger.error({ code: ErrorCode.SHUTDOWN_TIMEOUT, phase }, message);
      process.stderr.write(`sluice: stopped on ${ErrorCode.SHUTDOWN_TIMEOUT}: ${message}
`);
      void exitProcess(1);
    }, config.shutdownTimeoutMs);
    void job.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  whenThreadStuck((workers) => {
    logger.fatal({ code: ErrorCode.WORKER_FAILED, workers }, "worker threads could not be ended; exiting so that a restart of the process recovers from the last checkpoint");
    void exitProcess(1);
  });
  const handleAdmin = async (request) => {
    switch (request.command) {
      case "ping":
        return { ok: true, pid: process.pid };
      case "savepoint": {
        const daemon = job.current();
        if (!daemon)
          throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, "no savepoint taken: the job has not started");
        return { ok: true, savepoint: await daemon.savepoint(request.dir) };
      }
      case "stop": {
        const savepoint = request.savepoint ? await job.current()?.savepoint(request.dir) : void 0;
        if (request.savepoint && !savepoint)
          throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, "no savepoint taken: the job has not started");
        beginStop({ by: "sluice stop", ...savepoint ? { savepoint } : {} });
        await job.supervisor.exited;
        return { ok: true, stopped: true, ...savepoint ? { savepoint } : {} };
      }
    }
  };
  let admin;
  let queries;
  try {
    await telemetry.start();
    if (config.query && config.query.port !== 0) {
      const { startQueryApi } = await import("./query-api-B6M3KEYV.js");
      queries = await startQueryApi({ config, job: jobDefinition, telemetry, current: () => runtime, logger, version: version() });
    }
    await job.supervisor.start();
    try {
      admin = await startAdminServer(adminSocketPath(config), handleAdmin, logger.child({ component: "admin" }));
      logger.info({ socket: admin.path }, "admin endpoint listening (sluice savepoint, sluice stop)");
    } catch (err) {
      logger.error({ err }, "admin endpoint off: `sluice savepoint` and `sluice stop` cannot reach this daemon (signals still stop it)");
    }
    await job.supervisor.exited;
    logger.info("sluice stopped");
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof SluiceError ? err.code : ErrorCode.INTERNAL;
    process.stderr.write(`sluice: stopped on ${code}: ${message}
`);
    return 1;
  } finally {
    clearTimeout(stopBound);
    await admin?.close();
    await queries?.close().catch(() => void 0);
    await telemetry.close().catch(() => void 0);
    await Promise.race([tracing.shutdown().catch(() => void 0), new Promise((r) => setTimeout(r, 5e3).unref())]);
  }
}
function status(args) {
  let url;
  let intervalMs = 1e3;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--url")
      url = args[++i];
    else if (arg === "--interval")
      intervalMs = Number(args[++i]);
    else {
      process.stderr.write(`sluice status: unknown option "${arg}" (allowed: --url URL, --interval MS)
`);
      return Promise.resolve(2);
    }
  }
  if (!url) {
    const raw = process.env.SLUICE_METRICS_PORT?.trim() || VARIABLES.SLUICE_METRICS_PORT.default;
    const port = Number(raw);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      process.stderr.write(`sluice status: SLUICE_METRICS_PORT=${JSON.stringify(raw)} has no endpoint to ask (0 = off); pass --url
`);
      return Promise.resolve(2);
    }
    url = `http://127.0.0.1:${port}`;
  }
  if (!Number.isFinite(intervalMs) || intervalMs < 100 || intervalMs > 6e4) {
    process.stderr.write("sluice status: --interval must be 100 to 60000 ms\n");
    return Promise.resolve(2);
  }
  return runStatus(url, intervalMs);
}
async function main(argv) {
  const command = argv[0] ?? "help";
  switch (command) {
    case "run":
      return run(argv.slice(1));
    case "savepoint":
      return savepointCommand(argv.slice(1));
    case "stop":
      return stopCommand(argv.slice(1));
    case "status":
      return status(argv.slice(1));
    case "config":
      return printConfig();
    case "check":
      return check(argv.slice(1));
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`sluice: unknown command "${command}"

${USAGE}`);
      return 2;
  }
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => void exitProcess(code), 2e3).unref();
}, (err) => {
  process.stderr.write(`sluice: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}
`);
  void exitProcess(1);
});
function testWorkerExit(attempt) {
  const raw = process.env.SLUICE_TEST_WORKER_EXIT_AFTER_STEPS;
  const n3 = Number(raw);
  if (raw === void 0 || raw === "" || !Number.isSafeInteger(n3) || n3 < 0)
    return {};
  const attemptsRaw = process.env.SLUICE_TEST_WORKER_EXIT_ATTEMPTS;
  const attempts = attemptsRaw === void 0 || attemptsRaw === "" ? Number.POSITIVE_INFINITY : Number(attemptsRaw);
  return attempt < attempts ? { workerExitAfterSteps: n3 } : {};
}
