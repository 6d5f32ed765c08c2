// tours
