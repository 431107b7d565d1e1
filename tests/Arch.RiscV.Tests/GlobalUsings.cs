global using KernelModel.Mm;
global using KernelModel.Testing;
