// 'agentcode generate "PROMPT" [--data FILE]...': the generation loop from the command line. Streams the model's
// reply to stderr as it arrives, prints the final code (text) or the whole result (json) to stdout.
// Exit codes: 0 the code passed its check and trial run, 1 generation failed, 2 usage or configuration error.
using System.CommandLine;
using System.Text.Json;
using AgentCode.Server.Generation;
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using AgentCode.Server.Settings;

namespace AgentCode.Server.Cli;

internal static class GenerateCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new(LanguageServer.CreateJsonOptions()) { WriteIndented = true };

    public static Command Create()
    {
        var prompt = new Argument<string>("prompt") { Description = "What the program should do." };
        var data = new Option<string[]>("--data") { Description = "A data file, mounted read-only at /data/NAME (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var model = new Option<string?>("--model") { Description = "Model name (default: AGENTCODE_MODEL or gpt-4o-mini)." };
        var baseUrl = new Option<string?>("--base-url") { Description = "OpenAI-compatible base URL (default: AGENTCODE_BASE_URL, OPENAI_BASE_URL or OpenAI)." };
        var attempts = new Option<int?>("--attempts") { Description = "Maximum model round trips (default 3)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds to wait for one model reply (default 120)." };
        var format = new Option<string>("--format") { Description = "Output format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("generate", "Generate Python with the model; check, trial-run and repair it in the sandbox.")
        {
            prompt, data, model, baseUrl, attempts, timeout, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(format) == "json";
            var settings = new AgentCodeSettings(
                new LlmSettings(parse.GetValue(baseUrl), parse.GetValue(model), null, null, parse.GetValue(timeout), null),
                new GenerateSettings(parse.GetValue(attempts)), null, null);
            var text = parse.GetValue(prompt) ?? "";
            var endpoint = settings.ResolveEndpoint(Environment.GetEnvironmentVariable);
            if (text.Trim().Length == 0)
            {
                return Fail("The prompt is empty: say what the program should do.");
            }
            if (ChatModelClient.Validate(endpoint) is { } invalid)
            {
                return Fail(invalid.Message);
            }
            var files = new List<string>();
            foreach (var f in parse.GetValue(data) ?? [])
            {
                if (!File.Exists(f))
                {
                    return Fail($"Data file not found: {f}.");
                }
                files.Add(Path.GetFullPath(f));
            }
            var services = SandboxServices.Create(m => Console.Error.WriteLine("warning: " + m));
            var request = new GenerationRequest(text, new GenerateContext(null, null, files), settings.MaxAttempts, endpoint,
                settings.ResolveLimits(), settings.DisabledRules);
            GenerateResult result;
            try
            {
                result = await services.Generation.GenerateAsync(request, new ConsoleObserver(!json), ct).ConfigureAwait(false);
            }
            catch (StreamJsonRpc.LocalRpcException e)
            {
                return Fail(e.Message);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("cancelled");
                return 130;
            }
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(result, IndentedJson));
            }
            else
            {
                PrintText(result);
            }
            return result.Final.Ok ? 0 : 1;
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 2;
    }

    private static void PrintText(GenerateResult result)
    {
        var err = Console.Error;
        err.WriteLine();
        foreach (var a in result.Attempts)
        {
            var outcome = a.Error is { } e ? $"failed ({e.Kind}): {e.Message}" : "passed check and trial run";
            err.WriteLine($"attempt {a.Attempt}: {outcome}");
        }
        if (result.Error is { } error)
        {
            err.WriteLine("error: " + error.Message);
        }
        if (result.Final.Code is { } code)
        {
            // The code goes to stdout even when it failed, so nothing is lost; the exit code tells the outcome.
            Console.Out.Write(code);
        }
    }

    /// <summary>Streams the reply and the steps to stderr.</summary>
    private sealed class ConsoleObserver(bool verbose) : IGenerationObserver
    {
        public void OnStep(string message)
        {
            if (verbose)
            {
                Console.Error.WriteLine($"\n== {message}");
            }
        }

        public void OnToken(int attempt, string text)
        {
            if (verbose)
            {
                Console.Error.Write(text);
            }
        }

        public void OnAttemptDone(AttemptInfo attempt)
        {
        }
    }
}
