using VideoRec.Cli;

return await VrecApp.RunAsync(args);
