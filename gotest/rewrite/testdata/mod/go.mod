module example.com/rw

go 1.22
