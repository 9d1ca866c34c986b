global using Ultra.DockerModel.Completion;
