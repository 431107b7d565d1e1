using KernelModel.Simulation;

return KmodelHost.Run(args, Console.Out, Console.Error);
