// The three MCP tools: run_python (a program with optional data from the allow-list, within the server's caps),
// check_python (syntax errors and policy findings) and describe_sandbox (the capability card and the server's
// limits). Every call, refused or not, is written to the run record. Arguments are validated against the
// advertised input schema; a bad argument, a refused path or a full queue is a tool error with one sentence, so the
// calling model can correct itself, and nothing a caller sends can stop the server.
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCode.Sandbox;
using AgentCode.Server.Runs;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AgentCode.Server.Mcp;

/// <summary>The tools of 'agentcode mcp' over one sandbox.</summary>
internal sealed class McpTools
{
    public const string RunPython = "run_python";
    public const string CheckPython = "check_python";
    public const string DescribeSandbox = "describe_sandbox";

    private readonly McpSettings _settings;
    private readonly IPythonSandbox _sandbox;
    private readonly IPythonChecker _checker;
    private readonly McpRunRecord _record;
    private readonly RunSlots _slots;
    private readonly Dictionary<string, ToolSchemas> _schemas;
    private long _calls;

    public McpTools(McpSettings settings, IPythonSandbox sandbox, IPythonChecker checker, McpRunRecord record)
    {
        _settings = settings;
        _sandbox = sandbox;
        _checker = checker;
        _record = record;
        _slots = new RunSlots(settings.Concurrency, settings.QueueLength);
        _schemas = new Dictionary<string, ToolSchemas>(StringComparer.Ordinal)
        {
            [RunPython] = ToolSchemas.Load(RunPython, input =>
            {
                var props = input["properties"]!.AsObject();
                props["timeoutSeconds"]!["maximum"] = settings.MaxTimeout.TotalSeconds;
                props["timeoutSeconds"]!["default"] = settings.DefaultLimits.Timeout.TotalSeconds;
                props["memoryMb"]!["maximum"] = settings.MaxMemoryMb;
                props["memoryMb"]!["default"] = settings.DefaultLimits.MemoryBytes / (1024 * 1024);
            }),
            [CheckPython] = ToolSchemas.Load(CheckPython),
            [DescribeSandbox] = ToolSchemas.Load(DescribeSandbox),
        };
    }

    /// <summary>The tools as the tools/list answer shows them.</summary>
    public IList<Tool> List() =>
    [
        new Tool
        {
            Name = RunPython,
            Title = "Run Python in a WebAssembly sandbox",
            Description = $"Runs a Python {OutputContract.PythonVersion} program (standard library only) in WASI CPython under Wasmtime: no network, no host files except the data you pass (read-only at /data/NAME), hard limits on time, memory and output. Returns status, stdout, stderr, the error, and outputs (images, Vega-Lite charts, HTML, files written under /output). Call describe_sandbox first to learn what programs may use.",
            InputSchema = _schemas[RunPython].Input,
            OutputSchema = _schemas[RunPython].Output,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        },
        new Tool
        {
            Name = CheckPython,
            Title = "Check Python without running it",
            Description = "Checks a Python program with CPython's own parser and AgentCode's policy rules (network, subprocess, file system, dynamic code...). Returns syntax errors and findings with 1-based lines. Findings are advisory: the sandbox confines programs either way.",
            InputSchema = _schemas[CheckPython].Input,
            OutputSchema = _schemas[CheckPython].Output,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        },
        new Tool
        {
            Name = DescribeSandbox,
            Title = "Describe the Python sandbox",
            Description = "Returns the capability card: the Python version, that only the standard library is available, how data is mounted, how to display outputs and Vega-Lite charts, and this server's limits and allowed data directories.",
            InputSchema = _schemas[DescribeSandbox].Input,
            OutputSchema = _schemas[DescribeSandbox].Output,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        },
    ];

    /// <summary>Answers one tools/call.</summary>
    public async ValueTask<CallToolResult> CallAsync(string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        if (!_schemas.TryGetValue(name, out var schemas))
        {
            throw new McpProtocolException($"There is no tool named '{name}'. The tools are {RunPython}, {CheckPython} and {DescribeSandbox}.", McpErrorCode.InvalidParams);
        }

        var callId = $"mcp-{Interlocked.Increment(ref _calls)}";
        var args = new JsonObject();
        foreach (var (key, value) in arguments ?? new Dictionary<string, JsonElement>())
        {
            args[key] = JsonNode.Parse(value.GetRawText());
        }

        var code = args["code"] is JsonValue c && c.TryGetValue<string>(out var s) ? s : null;
        if (schemas.Problems(args) is { } problems)
        {
            var sentence = $"The arguments of {name} are not valid: {problems}. {Usage(name)}";
            _record.Append(callId, name, code, [], null, null, sentence);
            return McpResults.Error(sentence);
        }

        return name switch
        {
            RunPython => await RunAsync(callId, args, code!, cancellationToken).ConfigureAwait(false),
            CheckPython => await CheckAsync(callId, code!, cancellationToken).ConfigureAwait(false),
            _ => Describe(callId),
        };
    }

    private CallToolResult Describe(string callId)
    {
        _record.Append(callId, DescribeSandbox, null, [], null, null, null);
        return McpResults.Describe(_settings, _settings.DefaultLimits);
    }

    private async Task<CallToolResult> RunAsync(string callId, JsonObject args, string code, CancellationToken cancellationToken)
    {
        var requested = args["data"] is JsonArray array ? array.Select(n => (string)n!).ToList() : [];
        var mounts = new List<DataMount>();
        foreach (var path in requested)
        {
            var (real, refused) = _settings.AllowList.Resolve(path);
            var mount = real is null ? null : new DataMount(real, Path.GetFileName(Path.TrimEndingDirectorySeparator(path)));
            refused ??= mount is not null && mounts.Any(m => m.Name == mount.Name)
                ? $"Two data paths are named '{mount.Name}'; each appears at {OutputContract.DataDir}/NAME, so pass files with different names."
                : null;
            if (refused is not null)
            {
                _record.Append(callId, RunPython, code, requested, null, null, refused);
                return McpResults.Error(refused);
            }

            mounts.Add(mount!);
        }

        var limits = _settings.DefaultLimits;
        if (args["timeoutSeconds"] is JsonValue t)
        {
            limits = limits with { Timeout = TimeSpan.FromSeconds(t.GetValue<double>()) };
        }

        if (args["memoryMb"] is JsonValue m)
        {
            limits = limits with { MemoryBytes = m.GetValue<int>() * 1024L * 1024 };
        }

        using var lease = await _slots.TryEnterAsync(cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            var busy = Busy();
            _record.Append(callId, RunPython, code, requested, null, null, busy);
            return McpResults.Error(busy);
        }

        RunResult run;
        try
        {
            run = await _sandbox.RunAsync(new RunRequest(code, mounts, limits), cancellationToken).ConfigureAwait(false);
        }
        catch (SandboxUnavailableException e)
        {
            var sentence = Unavailable(e);
            _record.Append(callId, RunPython, code, requested, null, null, sentence);
            return McpResults.Error(sentence);
        }

        _record.Append(callId, RunPython, code, requested, null, run, null);
        return McpResults.Run(callId, run);
    }

    private async Task<CallToolResult> CheckAsync(string callId, string code, CancellationToken cancellationToken)
    {
        using var lease = await _slots.TryEnterAsync(cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            var busy = Busy();
            _record.Append(callId, CheckPython, code, [], null, null, busy);
            return McpResults.Error(busy);
        }

        CheckResult check;
        try
        {
            check = await _checker.CheckAsync(code, cancellationToken).ConfigureAwait(false);
        }
        catch (SandboxUnavailableException e)
        {
            var sentence = Unavailable(e);
            _record.Append(callId, CheckPython, code, [], null, null, sentence);
            return McpResults.Error(sentence);
        }

        _record.Append(callId, CheckPython, code, [], check, null, null);
        return McpResults.Check(check);
    }

    private string Busy() =>
        $"The sandbox is busy: {_settings.Concurrency} runs are in progress and {_settings.QueueLength} more are waiting. Try again when one of your earlier calls has answered.";

    private static string Unavailable(SandboxUnavailableException e) =>
        $"The Python sandbox is not available: {e.Message} Reinstall AgentCode or set AGENTCODE_PYTHON_WASM to a python.wasm.";

    private string Usage(string name) => name switch
    {
        RunPython => $"Send {{\"code\": \"<Python source>\"}}, optionally with \"data\": [\"<path in an allowed directory>\"], \"timeoutSeconds\" (at most {_settings.MaxTimeout.TotalSeconds:0.#}) and \"memoryMb\" (32 to {_settings.MaxMemoryMb}).",
        CheckPython => "Send {\"code\": \"<Python source>\"}.",
        _ => "Send no arguments ({}).",
    };
}
