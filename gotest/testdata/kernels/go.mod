module example.com/gokernels

go 1.22
