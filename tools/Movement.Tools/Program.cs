using Movement.Tools.Commands;

// movement <command> …: the offline tools (usage in docs/classifier.md, "Offline commands").
return ReplayCommands.Run(args, Console.Out, Console.Error);
