// Placeholder for the benchmarks; replaced by the check benchmark.
Console.WriteLine("no benchmarks yet");
