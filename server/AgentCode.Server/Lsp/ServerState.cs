// Session state shared by the handlers: current settings, lifecycle flags and the exit signal.
using System.Text.Json;
using AgentCode.Server.Settings;

namespace AgentCode.Server.Lsp;

/// <summary>Lifecycle and settings of one LSP session.</summary>
internal sealed class ServerState(JsonSerializerOptions jsonOptions, Action<AgentCodeSettings>? onSettings = null)
{
    private volatile AgentCodeSettings _settings = AgentCodeSettings.Empty;
    private volatile bool _shutdownRequested;
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The settings in force.</summary>
    public AgentCodeSettings Settings => _settings;

    /// <summary>True after <c>shutdown</c>.</summary>
    public bool ShutdownRequested => _shutdownRequested;

    /// <summary>Completes with the process exit code when <c>exit</c> arrives.</summary>
    public Task<int> Exit => _exit.Task;

    /// <summary>Replaces the settings from a JSON payload (ignored when malformed).</summary>
    public void UpdateSettings(JsonElement? json)
    {
        _settings = AgentCodeSettings.FromJson(json, jsonOptions);
        onSettings?.Invoke(_settings);
    }

    /// <summary>The input size limit in force.</summary>
    public InputLimit InputLimit => Settings.ResolveInputLimit(Environment.GetEnvironmentVariable);

    /// <summary>True after <c>initialized</c>.</summary>
    public bool Initialized { get; private set; }

    /// <summary>Records <c>initialized</c>.</summary>
    public void MarkInitialized() => Initialized = true;

    /// <summary>Records <c>shutdown</c>.</summary>
    public void RequestShutdown() => _shutdownRequested = true;

    /// <summary>Records <c>exit</c>: code 0 after shutdown, 1 otherwise (LSP rule).</summary>
    public void RequestExit() => _exit.TrySetResult(_shutdownRequested ? 0 : 1);
}
