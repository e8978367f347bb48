using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;
using Movement.Classifier;
using Movement.Classifier.Recognition;
using Movement.Tools.Replay;
using Movement.Protocol;

namespace Movement.Tools.Training;

/// <summary>
/// <c>movement train</c>: generates simulated participants with the motion model, trains the exercise recogniser,
/// and evaluates it on held-out participants and the real UCI recordings (docs/classifier.md, "Exercise recognition").
/// </summary>
internal static class TrainCommand
{
    public const string Name = "train";

    public const string Usage = "  train --seed N --subjects N --holdout N --out DIR [--uci DIR] [--rep-counts on|off]";

    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var options = TrainingOptions.Parse(args, out var usageError);
        if (options is null)
        {
            Console.Error.WriteLine(usageError);
            Console.Error.WriteLine("usage:\n" + Usage);
            return 2;
        }

        var clock = Stopwatch.StartNew();
        // Training and held-out participants come from disjoint seed ranges: no person, plan or motion is shared.
        var trainSeeds = Enumerable.Range(0, options.Subjects).Select(i => (options.Seed * 100_000) + i).ToArray();
        var holdoutSeeds = Enumerable.Range(0, options.Holdout).Select(i => (options.Seed * 100_000) + 50_000 + i).ToArray();

        List<ExerciseWindow> train = Generate("training", trainSeeds, out _);
        List<ExerciseWindow> holdout = Generate("held-out", holdoutSeeds, out var holdoutSubjects);
        // "unknown" examples: a tumbling sensor (no exercise), from the same seeds; the held-out ones are scored separately.
        train.AddRange(trainSeeds.SelectMany(TrainingData.NonsenseWindows));
        var holdoutNonsense = holdoutSeeds.SelectMany(TrainingData.NonsenseWindows).ToList();

        Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] training LightGBM on {train.Count} windows ({WindowFeatures.Count} features)");
        var ml = new MLContext(seed: options.Seed);
        var data = ml.Data.LoadFromEnumerable(train);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                NumberOfLeaves = 15,
                NumberOfIterations = 120,
                MinimumExampleCountPerLeaf = 10,
                LearningRate = 0.1,
                NumberOfThreads = 2,
                Seed = options.Seed,
                Silent = true,
            }));
        var transformer = pipeline.Fit(data);
        Directory.CreateDirectory(options.Out);
        var modelPath = Path.Combine(options.Out, "exercise-recognition.zip");
        ml.Model.Save(transformer, data.Schema, modelPath);
        WindowFeatures.Schema.WriteTo(modelPath); // checked when the model loads: the features' names and order
        Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] wrote {modelPath} ({new FileInfo(modelPath).Length / 1024} KiB)");

        // Evaluate through the same code the classifier runs: load the zip, one predictor, argmax per window.
        var model = ExerciseModel.Load(modelPath);
        using var predictor = model.CreatePredictor();
        var classes = model.Classes;
        var confusion = new int[classes.Count, classes.Count];
        var topProbabilities = new List<(double Top, bool Correct)>(holdout.Count);
        foreach (var window in holdout)
        {
            var truth = IndexOf(classes, window.Label);
            var scores = predictor.Predict(window.Features);
            var predicted = ArgMax(scores);
            confusion[truth, predicted]++;
            topProbabilities.Add((scores[predicted], predicted == truth));
        }

        // "unknown": the lowest top-probability threshold above which the held-out windows are right at least
        // UnknownTargetAccuracy of the time (the windows below it are called unknown instead of a guess).
        const double UnknownTargetAccuracy = 0.95;
        var unknownTable = Enumerable.Range(0, 15).Select(i => Math.Round(0.25 + (0.05 * i), 2)).Select(t =>
        {
            var kept = topProbabilities.Where(x => x.Top >= t).ToList();
            return new UnknownThreshold(t, Math.Round((double)kept.Count / topProbabilities.Count, 4), kept.Count == 0 ? 0 : Math.Round((double)kept.Count(x => x.Correct) / kept.Count, 4));
        }).ToList();
        var unknownBelow = unknownTable.FirstOrDefault(u => u.KeptAccuracy >= UnknownTargetAccuracy)?.Threshold ?? unknownTable[^1].Threshold;
        Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] unknown below a top probability of {unknownBelow} (RecognitionOptions.UnknownBelow default {new RecognitionOptions().UnknownBelow})");

        var perClass = classes.Select((c, i) =>
        {
            var tp = confusion[i, i];
            var support = Enumerable.Range(0, classes.Count).Sum(j => confusion[i, j]);
            var predictedCount = Enumerable.Range(0, classes.Count).Sum(j => confusion[j, i]);
            return new ClassScore(c, support, predictedCount == 0 ? 0 : Math.Round((double)tp / predictedCount, 3), support == 0 ? 0 : Math.Round((double)tp / support, 3));
        }).ToList();
        var correct = Enumerable.Range(0, classes.Count).Sum(i => confusion[i, i]);
        var nonsenseVotes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var window in holdoutNonsense)
        {
            var scores = predictor.Predict(window.Features);
            var best = ArgMax(scores);
            var c = scores[best] < unknownBelow ? ExerciseIds.Unknown : classes[best];
            nonsenseVotes[c] = nonsenseVotes.GetValueOrDefault(c) + 1;
        }

        var nonsense = new NonsenseResult(holdoutNonsense.Count, nonsenseVotes.OrderByDescending(v => v.Value).ToDictionary(v => v.Key, v => v.Value));
        Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] held-out tumbling windows: {string.Join(", ", nonsense.Votes.Select(v => $"{v.Key} {v.Value}"))}");
        var accuracy = Math.Round((double)correct / holdout.Count, 4);
        Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] held-out window accuracy {accuracy:P1} ({correct}/{holdout.Count})");

        // Rep counts: the live StreamClassifier over every held-out set, exercise from the plan.
        Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] counting reps over held-out sessions");
        var repErrors = holdoutSubjects.Where(_ => options.RepCounts).SelectMany(s => s.Recordings.Select(r => (r.Sensor.Placement, Counts: TrainingData.RepCounts(r).ToList())))
            .SelectMany(x => x.Counts.Select(c => (x.Placement, c.Exercise, Error: c.CountedReps - c.TrueReps)))
            .GroupBy(x => (x.Exercise, x.Placement))
            .OrderBy(g => g.Key.Exercise, StringComparer.Ordinal).ThenBy(g => g.Key.Placement)
            .Select(g => new RepCountError(g.Key.Exercise, g.Key.Placement.ToString().ToLowerInvariant(), g.Count(),
                Math.Round(g.Average(x => Math.Abs(x.Error)), 2), g.Count(x => Math.Abs(x.Error) <= 1), g.Min(x => x.Error), g.Max(x => x.Error)))
            .ToList();

        // Form flags: the same held-out sets, each rep after its set's baseline reps against the faults the model injected.
        var formFlags = holdoutSubjects.Where(_ => options.RepCounts).SelectMany(s => s.Recordings.SelectMany(r => TrainingData.FlagOutcomes(r).Select(o => (r.Sensor.Placement, o.Flag, o.Flagged, o.Faulty))))
            .GroupBy(x => (x.Flag, x.Placement))
            .OrderBy(g => g.Key.Flag, StringComparer.Ordinal).ThenBy(g => g.Key.Placement)
            .Select(g =>
            {
                var score = new FlagScore(g.Count(x => x.Flagged && x.Faulty), g.Count(x => x.Flagged && !x.Faulty), g.Count(x => !x.Flagged && x.Faulty));
                return new FormFlagResult(g.Key.Flag, g.Key.Placement.ToString().ToLowerInvariant(), g.Count(), score.TruePositives, score.FalsePositives, score.FalseNegatives,
                    Math.Round(score.Precision, 2), Math.Round(score.Recall, 2), Math.Round(score.F1, 2));
            })
            .ToList();

        // Real recordings: UCI subject 1, the leg exercises; every window of each test session.
        var uci = new List<UciResult>();
        var uciRoot = options.Uci ?? FindUci();
        if (uciRoot is not null)
        {
            foreach (var (exercise, label) in UciExercises.Map)
            {
                foreach (var (unit, placement) in new[] { ("u2", Placement.Shank), ("u3", Placement.Thigh) })
                {
                    var file = Path.Combine(uciRoot, "s1", exercise, unit, "test.txt");
                    if (!Movement.Motion.Recordings.RecordingFiles.Exists(file))
                    {
                        continue;
                    }

                    // The right leg performs the movement (data README); the roster would say so.
                    var features = new WindowFeatures(placement, Side.Right);
                    var votes = new Dictionary<string, int>(StringComparer.Ordinal);
                    var windows = 0;
                    foreach (var sample in Movement.Motion.Recordings.UciPhysicalTherapyFile.Read(file).EnsureValid().Samples)
                    {
                        if (features.Add(sample))
                        {
                            windows++;
                            var scores = predictor.Predict(features.Values);
                            var best = ArgMax(scores);
                            var c = scores[best] < unknownBelow ? ExerciseIds.Unknown : classes[best];
                            votes[c] = votes.GetValueOrDefault(c) + 1;
                        }
                    }

                    // Live decision with the station plan saying the right exercise: does the model override it?
                    using var recognizer = new ExerciseRecognizer(model, placement, new RecognitionOptions { UnknownBelow = unknownBelow }, Side.Right);
                    var changes = -1;
                    var current = "";
                    foreach (var batch in Movement.Motion.Recordings.UciPhysicalTherapyFile.Read(file).EnsureValid().Samples.Chunk(25))
                    {
                        if (recognizer.Update(label, batch) != current)
                        {
                            changes++;
                            current = recognizer.Exercise;
                        }
                    }

                    var active = votes.Where(v => v.Key is not (ExerciseIds.Rest or ExerciseIds.Unknown)).Sum(v => v.Value);
                    var top = votes.Where(v => v.Key is not (ExerciseIds.Rest or ExerciseIds.Unknown)).OrderByDescending(v => v.Value).FirstOrDefault();
                    uci.Add(new UciResult($"s1/{exercise}/{unit}", label, windows, votes.GetValueOrDefault(label),
                        active == 0 ? 0 : Math.Round((double)votes.GetValueOrDefault(label) / active, 3), top.Key ?? ExerciseIds.Rest,
                        votes.OrderByDescending(v => v.Value).ToDictionary(v => v.Key, v => v.Value), recognizer.Exercise, changes));
                }
            }
        }

        var report = new EvaluationReport(options.Seed, options.Subjects, options.Holdout, trainSeeds[0], holdoutSeeds[0], train.Count, holdout.Count,
            accuracy, classes, ToJagged(confusion, classes.Count), perClass, unknownBelow, UnknownTargetAccuracy, unknownTable, nonsense, repErrors, formFlags, uci, Math.Round(clock.Elapsed.TotalSeconds, 1));
        var jsonPath = Path.Combine(options.Out, "exercise-recognition.evaluation.json");
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, ReportJson.Default.EvaluationReport));
        var mdPath = Path.Combine(options.Out, "exercise-recognition.evaluation.md");
        File.WriteAllText(mdPath, Markdown(report));
        Console.WriteLine(Markdown(report));
        Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] wrote {jsonPath} and {mdPath}");
        return 0;

        List<ExerciseWindow> Generate(string name, int[] seeds, out List<SubjectRecordings> subjects)
        {
            var done = 0;
            var results = new SubjectRecordings[seeds.Length];
            Parallel.For(0, seeds.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            {
                results[i] = TrainingData.Simulate(seeds[i]);
                var n = Interlocked.Increment(ref done);
                Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {name} subject {n}/{seeds.Length} (seed {seeds[i]})");
            });
            subjects = [.. results];
            return [.. results.SelectMany(s => s.Recordings.SelectMany((r, i) => TrainingData.Windows(r, s.Seed + i)))];
        }

        // The real UCI recordings kept in the repository (tests/recordings), found from the working directory up.
        string? FindUci()
        {
            for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Movement.sln")))
                {
                    return Path.Combine(dir.FullName, "tests", "recordings", "uci-physical-therapy");
                }
            }

            return null;
        }

        static int IndexOf(IReadOnlyList<string> classes, string label)
        {
            for (var i = 0; i < classes.Count; i++)
            {
                if (classes[i] == label)
                {
                    return i;
                }
            }

            throw new InvalidOperationException($"label '{label}' not among the model's classes");
        }

        static int ArgMax(ReadOnlySpan<float> scores)
        {
            var best = 0;
            for (var i = 1; i < scores.Length; i++)
            {
                best = scores[i] > scores[best] ? i : best;
            }

            return best;
        }

        static int[][] ToJagged(int[,] m, int n) => [.. Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => m[i, j]).ToArray())];

        string Markdown(EvaluationReport r)
        {
            var sb = new StringBuilder();
            sb.AppendLine(inv, $"# Exercise recognition: evaluation (seed {r.Seed})");
            sb.AppendLine();
            sb.AppendLine(inv, $"Training: {r.Subjects} simulated participants (seeds {r.FirstTrainingSeed}…), {r.TrainingWindows} windows. Held out: {r.Holdout} participants (seeds {r.FirstHoldoutSeed}…), {r.HoldoutWindows} windows. Took {r.ElapsedS} s.");
            sb.AppendLine();
            sb.AppendLine(inv, $"Held-out window accuracy (argmax, no plan prior): **{r.Accuracy:P1}**");
            sb.AppendLine();
            sb.AppendLine("| class | windows | precision | recall |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var c in r.PerClass)
            {
                sb.AppendLine(inv, $"| {c.Exercise} | {c.Support} | {c.Precision:F2} | {c.Recall:F2} |");
            }

            sb.AppendLine();
            sb.AppendLine("Confusion matrix (rows: truth, columns: predicted):");
            sb.AppendLine();
            sb.AppendLine("| truth \\ predicted | " + string.Join(" | ", r.Classes.Select(Abbreviation)) + " |");
            sb.AppendLine("|---|" + string.Concat(r.Classes.Select(_ => "---|")));
            for (var i = 0; i < r.Classes.Count; i++)
            {
                sb.AppendLine(inv, $"| {r.Classes[i]} | {string.Join(" | ", r.Confusion[i])} |");
            }

            sb.AppendLine();
            sb.AppendLine(inv, $"Unknown windows: a window whose most probable class has a probability below the threshold is `unknown`. Chosen: **{r.UnknownBelow:F2}**, the lowest threshold at which the held-out windows above it are ≥ {r.UnknownTargetAccuracy:P0} right (RecognitionOptions.UnknownBelow).");
            sb.AppendLine();
            sb.AppendLine("| threshold | windows kept | accuracy of kept windows |");
            sb.AppendLine("|---|---|---|");
            foreach (var u in r.UnknownThresholds)
            {
                sb.AppendLine(inv, $"| {u.Threshold:F2} | {u.Kept:P1} | {u.KeptAccuracy:P1} |");
            }

            sb.AppendLine();
            sb.AppendLine(inv, $"No exercise at all: {r.Nonsense.Windows} windows of a tumbling sensor (held-out seeds; training had its own, labelled `unknown`), called: {string.Join(", ", r.Nonsense.Votes.Select(v => $"{v.Key} {v.Value}"))}.");
            sb.AppendLine();
            sb.AppendLine("Rep-count error per set (live StreamClassifier, exercise from the plan; counted − true):");
            sb.AppendLine();
            sb.AppendLine("| exercise | sensor | sets | mean \\|error\\| | sets within ±1 | min | max |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var e in r.RepCounts)
            {
                sb.AppendLine(inv, $"| {e.Exercise} | {e.Placement} | {e.Sets} | {e.MeanAbsError:F2} | {e.WithinOne} | {e.MinError:+0;-0;0} | {e.MaxError:+0;-0;0} |");
            }

            sb.AppendLine();
            sb.AppendLine("Form flags on the same held-out sets (live StreamClassifier, no prescribed target; every rep after its set's 5 baseline reps, matched to the true rep it overlaps most; truth = the faults the motion model put into that rep):");
            sb.AppendLine();
            sb.AppendLine("| flag | sensor | reps | true pos. | false pos. | false neg. | precision | recall | F1 |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var f in r.FormFlags)
            {
                sb.AppendLine(inv, $"| {f.Flag} | {f.Placement} | {f.Reps} | {f.TruePositives} | {f.FalsePositives} | {f.FalseNegatives} | {f.Precision:F2} | {f.Recall:F2} | {f.F1:F2} |");
            }

            if (r.Uci.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("Real recordings (UCI subject 1, test sessions; every 4 s window, 50 % overlap; `unknown` below the threshold above):");
                sb.AppendLine();
                sb.AppendLine("| session | expected | windows | expected share of windows neither rest nor unknown | top class (not rest, not unknown) | votes | live, plan = expected: final exercise (changes) |");
                sb.AppendLine("|---|---|---|---|---|---|---|");
                foreach (var u in r.Uci)
                {
                    sb.AppendLine(inv, $"| {u.Session} | {u.Expected} | {u.Windows} | {u.ExpectedShare:P0} | {u.TopClass} | {string.Join(", ", u.Votes.Select(v => $"{v.Key} {v.Value}"))} | {u.LiveExercise} ({u.LiveChanges}) |");
                }
            }

            return sb.ToString();
        }

        static string Abbreviation(string c) => string.Concat(c.Split('_').Select(p => p[..Math.Min(3, p.Length)]));
    }
}
