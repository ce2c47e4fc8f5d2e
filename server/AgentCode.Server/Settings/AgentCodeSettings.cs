// The agentcode.* settings as the extension sends them (initializationOptions and didChangeConfiguration),
// and their resolution against environment variables and defaults into the values the services use.
using System.Text.Json;
using AgentCode.Sandbox;

namespace AgentCode.Server.Settings;

/// <summary><c>agentcode.llm</c>: where and how to reach the model.</summary>
/// <param name="BaseUrl">OpenAI-compatible base URL; unset: <c>AGENTCODE_BASE_URL</c>, <c>OPENAI_BASE_URL</c>, then OpenAI.</param>
/// <param name="Model">Model (or Azure deployment) name.</param>
/// <param name="ApiKey">The key for <paramref name="BaseUrl"/>'s origin (the extension keeps one per origin).</param>
/// <param name="ApiVersion">Azure <c>api-version</c>.</param>
/// <param name="TimeoutSeconds">Deadline of one model call.</param>
/// <param name="Stream">Stream the reply.</param>
/// <param name="UseEnvironmentKey">
/// Whether <c>AGENTCODE_API_KEY</c> / <c>OPENAI_API_KEY</c> may be sent when <paramref name="ApiKey"/> is unset. The VS Code
/// extension sends <c>false</c> when the base URL was chosen by a workspace, so an environment key only ever goes to the
/// user's own (or the default) endpoint; unset means true, as for the command line and other clients.
/// </param>
public sealed record LlmSettings(
    string? BaseUrl,
    string? Model,
    string? ApiKey,
    string? ApiVersion,
    double? TimeoutSeconds,
    bool? Stream,
    bool? UseEnvironmentKey = null);

/// <summary><c>agentcode.generate</c>.</summary>
public sealed record GenerateSettings(int? MaxAttempts);

/// <summary><c>agentcode.sandbox</c>: limits of each run, the input size limit and the run queue.</summary>
/// <param name="TimeoutSeconds">Wall-clock limit of each run, counted from when it starts executing.</param>
/// <param name="MemoryMb">Memory cap of each run.</param>
/// <param name="OutputKb">Cap on stdout and on stderr of each run.</param>
/// <param name="MaxInputKb">Largest program or document checked or run (default 1024).</param>
/// <param name="ConcurrentRuns">Runs executing at once (default: the number of cores).</param>
/// <param name="QueuedRuns">Runs that may wait for a free slot before new ones are refused as busy (default 32).</param>
public sealed record SandboxSettings(
    double? TimeoutSeconds = null,
    int? MemoryMb = null,
    int? OutputKb = null,
    int? MaxInputKb = null,
    int? ConcurrentRuns = null,
    int? QueuedRuns = null);

/// <summary><c>agentcode.policy</c>.</summary>
public sealed record PolicySettings(IReadOnlyList<string>? DisabledRules);

/// <summary>All of <c>agentcode.*</c>; every field is optional.</summary>
public sealed record AgentCodeSettings(LlmSettings? Llm, GenerateSettings? Generate, SandboxSettings? Sandbox, PolicySettings? Policy)
{
    /// <summary>No settings given.</summary>
    public static AgentCodeSettings Empty { get; } = new(null, null, null, null);

    /// <summary>
    /// Reads settings from <c>{agentcode: {...}}</c>, <c>{settings: {agentcode: {...}}}</c> or the bare object.
    /// Malformed settings are ignored rather than failing the session.
    /// </summary>
    public static AgentCodeSettings FromJson(JsonElement? element, JsonSerializerOptions options)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return Empty;
        }
        if (e.TryGetProperty("settings", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            e = s;
        }
        if (e.TryGetProperty("agentcode", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            e = a;
        }
        try
        {
            return e.Deserialize<AgentCodeSettings>(options) ?? Empty;
        }
        catch (JsonException)
        {
            return Empty;
        }
    }

    /// <summary>Sandbox limits from these settings, with the arguments, when given, taking precedence.</summary>
    public RunLimits ResolveLimits(double? timeoutSeconds = null, int? memoryMb = null, int? outputKb = null)
    {
        var d = RunLimits.Default;
        var t = timeoutSeconds ?? Sandbox?.TimeoutSeconds;
        var m = memoryMb ?? Sandbox?.MemoryMb;
        var o = outputKb ?? Sandbox?.OutputKb;
        return d with
        {
            Timeout = t is > 0 ? TimeSpan.FromSeconds(t.Value) : d.Timeout,
            MemoryBytes = m is > 0 ? m.Value * 1024L * 1024 : d.MemoryBytes,
            StdoutBytes = o is > 0 ? o.Value * 1024 : d.StdoutBytes,
            StderrBytes = o is > 0 ? o.Value * 1024 : d.StderrBytes,
        };
    }

    /// <summary>The input size limit: <c>sandbox.maxInputKb</c>, then <c>AGENTCODE_MAX_INPUT_KB</c>, then 1 MiB.</summary>
    public InputLimit ResolveInputLimit(Func<string, string?> env) => InputLimit.Resolve(Sandbox?.MaxInputKb, env);

    /// <summary>Runs executing at once: <c>sandbox.concurrentRuns</c> when positive, else the number of cores.</summary>
    public int ConcurrentRuns => Sandbox?.ConcurrentRuns is > 0 ? Sandbox.ConcurrentRuns.Value : Environment.ProcessorCount;

    /// <summary>Runs that may wait for a slot: <c>sandbox.queuedRuns</c> when not negative, else 32.</summary>
    public int QueuedRuns => Sandbox?.QueuedRuns is >= 0 ? Sandbox.QueuedRuns.Value : 32;

    /// <summary>Rule ids the user switched off.</summary>
    public IReadOnlySet<string> DisabledRules => new HashSet<string>(Policy?.DisabledRules ?? [], StringComparer.OrdinalIgnoreCase);

    /// <summary>Maximum number of model round trips for one generation (default 3, at most 10).</summary>
    public int MaxAttempts => ResolveMaxAttempts(null);

    /// <summary>Attempts for one generation: the request's own count when positive, else the setting (default 3); 1 to 10.</summary>
    public int ResolveMaxAttempts(int? requested) => Math.Clamp(requested is > 0 ? requested.Value : Generate?.MaxAttempts ?? 3, 1, 10);

    /// <summary>
    /// Resolves the model connection: settings first, then environment variables, then defaults. The key falls back to
    /// the environment only when <see cref="LlmSettings.UseEnvironmentKey"/> is not false.
    /// </summary>
    public ModelEndpoint ResolveEndpoint(Func<string, string?> env)
    {
        static string? NonEmpty(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        var environmentKey = Llm?.UseEnvironmentKey == false ? null : NonEmpty(env("AGENTCODE_API_KEY")) ?? NonEmpty(env("OPENAI_API_KEY"));
        var key = NonEmpty(Llm?.ApiKey) ?? environmentKey;
        var baseUrl = NonEmpty(Llm?.BaseUrl) ?? NonEmpty(env("AGENTCODE_BASE_URL")) ?? NonEmpty(env("OPENAI_BASE_URL"));
        var model = NonEmpty(Llm?.Model) ?? NonEmpty(env("AGENTCODE_MODEL")) ?? ModelEndpoint.DefaultModel;
        var timeout = Llm?.TimeoutSeconds is > 0 ? TimeSpan.FromSeconds(Llm.TimeoutSeconds.Value) : TimeSpan.FromSeconds(120);
        return new ModelEndpoint(baseUrl, model, key, NonEmpty(Llm?.ApiVersion), timeout, Llm?.Stream ?? true);
    }
}

/// <summary>A resolved model connection.</summary>
/// <param name="BaseUrl">OpenAI-compatible base URL; null means api.openai.com.</param>
/// <param name="Model">Model (or Azure deployment) name.</param>
/// <param name="ApiKey">API key; optional when <paramref name="BaseUrl"/> is set (local servers such as Ollama).</param>
/// <param name="ApiVersion">Azure <c>api-version</c>; when set (or the host is *.openai.azure.com) requests use Azure's key header and query.</param>
/// <param name="Timeout">Deadline for one model call, from request to the last streamed token.</param>
/// <param name="Stream">Stream the reply (server-sent events) rather than wait for the whole completion.</param>
public sealed record ModelEndpoint(string? BaseUrl, string Model, string? ApiKey, string? ApiVersion, TimeSpan Timeout, bool Stream)
{
    /// <summary>Model used when none is configured.</summary>
    public const string DefaultModel = "gpt-4o-mini";
}
