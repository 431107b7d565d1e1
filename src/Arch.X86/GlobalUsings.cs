global using KernelModel.Mm;
